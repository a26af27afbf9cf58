package dev.ignis.spark;

import dev.ignis.data.vision.ImageDecoder;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A DataFrame column of model inputs, checked against the schema on the driver (Spark ML's
 * transformSchema convention) and read on the executors: an ML {@code Vector}, {@code array<float>}
 * or {@code array<double>} (taken as they are), a {@code binary} column of encoded images (PNG,
 * JPEG, BMP, GIF; decoded in {@code imageMode} "RGB" or "L"), or the struct of Spark's
 * {@code image} data source (BGR bytes, converted to {@code imageMode} alike); images become
 * [C, H, W] values in [0, 1], flattened. Training ({@link SparkDatasets}) and scoring
 * ({@link IgnisModel}) read features through it.
 */
public final class FeatureColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind { VECTOR, ARRAY, BINARY_IMAGE, IMAGE_STRUCT }

    private final String name;
    private final Kind kind;
    private final String imageMode;

    private FeatureColumn(String name, Kind kind, String imageMode) {
        this.name = name;
        this.kind = kind;
        this.imageMode = imageMode;
    }

    /**
     * Column {@code name} of {@code schema} as features.
     *
     * @throws IllegalArgumentException naming the column (and the schema's columns, or its type)
     *                                  when it is missing or of another type, or the image mode
     *                                  is not RGB or L
     */
    public static FeatureColumn of(StructType schema, String name, String imageMode) {
        if (!imageMode.equals("RGB") && !imageMode.equals("L")) {
            throw new IllegalArgumentException("image mode must be RGB or L, got " + imageMode);
        }
        DataType type = column(schema, name).dataType();
        Kind kind;
        if (type.equals(SQLDataTypes.VectorType())) {
            kind = Kind.VECTOR;
        } else if (type instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType)
                || a.elementType().equals(DataTypes.DoubleType))) {
            kind = Kind.ARRAY;
        } else if (type.equals(DataTypes.BinaryType)) {
            kind = Kind.BINARY_IMAGE;
        } else if (type instanceof StructType st && Arrays.asList(st.fieldNames())
                .containsAll(Arrays.asList("height", "width", "nChannels", "data"))) {
            kind = Kind.IMAGE_STRUCT;
        } else {
            throw new IllegalArgumentException("features column '" + name + "' must be an ML Vector, array<float>,"
                    + " array<double>, binary (encoded images) or an image struct, but is " + type.simpleString());
        }
        return new FeatureColumn(name, kind, imageMode);
    }

    /** Numbers (an ML Vector or an array) named {@code name} in errors, for values whose column type is not known ahead. */
    static FeatureColumn numbers(String name) {
        return new FeatureColumn(name, Kind.ARRAY, "RGB");
    }

    /** The field {@code name} of {@code schema}, else an error listing the schema's columns. */
    static StructField column(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("column '" + name + "' not found; the DataFrame has columns "
                + Arrays.toString(schema.fieldNames()));
    }

    public String name() {
        return name;
    }

    /**
     * The features in {@code value} (this column's value in one row) as floats.
     *
     * @param where the row, for errors ("row 3 of partition 0")
     * @throws IllegalArgumentException naming the column and the row for a null value or element,
     *                                  or an image that does not decode
     */
    float[] read(Object value, String where) {
        if (value == null) {
            throw new IllegalArgumentException("features column '" + name + "' is null in " + where);
        }
        try {
            return switch (kind) {
                case VECTOR, ARRAY -> toFloats(value, where);
                case BINARY_IMAGE -> ImageFolderSource.chw(ImageDecoder.decode((byte[]) value, imageMode), null, null);
                case IMAGE_STRUCT -> fromImageStruct((org.apache.spark.sql.Row) value, imageMode);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("features column '" + name + "' in " + where
                    + " is not a readable image: " + e.getMessage(), e);
        }
    }

    /**
     * Spark's image struct (row-major BGR or BGRA bytes, or gray) as [C, H, W] in [0, 1], converted
     * to {@code mode} as an encoded image would be: "RGB" three channels (a gray image's value in
     * each), "L" one (PIL's luma of a colour image).
     */
    static float[] fromImageStruct(org.apache.spark.sql.Row image, String mode) {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        boolean gray = mode.equals("L");
        int c = gray ? 1 : 3;
        float[] out = new float[c * h * w];
        for (int p = 0; p < h * w; p++) {
            int b = data[p * n] & 0xff;
            int g = n == 1 ? b : data[p * n + 1] & 0xff;
            int r = n == 1 ? b : data[p * n + 2] & 0xff;   // BGR(A) → RGB
            if (gray) {
                out[p] = (n == 1 ? b : ImageDecoder.luma(r, g, b)) / 255f;
            } else {
                out[p] = r / 255f;
                out[h * w + p] = g / 255f;
                out[2 * h * w + p] = b / 255f;
            }
        }
        return out;
    }

    private float[] toFloats(Object value, String where) {
        if (value instanceof Vector v) {
            double[] d = v.toArray();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        List<?> list = value instanceof scala.collection.Seq<?> seq
                ? scala.jdk.javaapi.CollectionConverters.asJava(seq) : (List<?>) value;
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
            Object element = list.get(i);
            if (element == null) {
                throw new IllegalArgumentException("features column '" + name + "' has a null element at index "
                        + i + " in " + where);
            }
            f[i] = ((Number) element).floatValue();
        }
        return f;
    }
}
