package dev.ignis.spark;

import dev.ignis.data.vision.ImageDecoder;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark data as training samples. {@link #fromDataFrame} checks the schema on the driver, before
 * any job runs (Spark ML's transformSchema convention), then maps rows to {@link Sample}s.
 */
public final class SparkDatasets {
    private SparkDatasets() {
    }

    /** {@link #fromDataFrame(Dataset, String, String, String)} decoding binary image columns as RGB. */
    public static JavaRDD<Sample> fromDataFrame(Dataset<Row> df, String featuresCol, String labelCol) {
        return fromDataFrame(df, featuresCol, labelCol, "RGB");
    }

    /**
     * Samples from a DataFrame with a features column and a numeric label column. The features may
     * be an ML {@code Vector}, {@code array<float>} or {@code array<double>} (taken as they are), a
     * {@code binary} column of encoded images (PNG, JPEG, BMP, GIF; decoded on the executors in
     * {@code imageMode} "RGB" or "L"), or the struct of Spark's {@code image} data source (BGR
     * bytes); images become [C, H, W] values in [0, 1], flattened.
     *
     * @throws IllegalArgumentException naming the column and its type when the schema does not fit
     */
    public static JavaRDD<Sample> fromDataFrame(Dataset<Row> df, String featuresCol, String labelCol, String imageMode) {
        StructType schema = df.schema();
        DataType features = column(schema, featuresCol).dataType();
        boolean vector = features.equals(SQLDataTypes.VectorType());
        boolean array = features instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType)
                || a.elementType().equals(DataTypes.DoubleType));
        boolean binary = features.equals(DataTypes.BinaryType);
        boolean sparkImage = features instanceof StructType st && Arrays.asList(st.fieldNames())
                .containsAll(Arrays.asList("height", "width", "nChannels", "data"));
        if (!vector && !array && !binary && !sparkImage) {
            throw new IllegalArgumentException("features column '" + featuresCol + "' must be an ML Vector, array<float>,"
                    + " array<double>, binary (encoded images) or an image struct, but is " + features.simpleString());
        }
        DataType label = column(schema, labelCol).dataType();
        if (!(label instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + labelCol + "' must be numeric, but is "
                    + label.simpleString());
        }
        if (!imageMode.equals("RGB") && !imageMode.equals("L")) {
            throw new IllegalArgumentException("image mode must be RGB or L, got " + imageMode);
        }
        return df.select(featuresCol, labelCol).javaRDD().mapPartitionsWithIndex((partition, rows) -> {
            java.util.Iterator<Sample> samples = new java.util.Iterator<>() {
                private long index;

                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Sample next() {
                    Row row = rows.next();
                    String where = "row " + index++ + " of partition " + partition;
                    if (row.isNullAt(0)) {
                        throw new IllegalArgumentException("features column '" + featuresCol + "' is null in " + where);
                    }
                    if (row.isNullAt(1)) {
                        throw new IllegalArgumentException("label column '" + labelCol + "' is null in " + where);
                    }
                    Object value = row.get(0);
                    float[] f;
                    try {
                        f = binary ? ImageFolderSource.chw(ImageDecoder.decode((byte[]) value, imageMode), null, null)
                                : sparkImage ? fromImageStruct((Row) value) : toFloats(value, featuresCol, where);
                    } catch (java.io.IOException e) {
                        throw new IllegalArgumentException("features column '" + featuresCol + "' in " + where
                                + " is not a readable image: " + e.getMessage(), e);
                    }
                    return new Sample(f, classIndex((Number) row.get(1), labelCol, where));
                }
            };
            return samples;
        }, true);
    }

    /** A label as a class index: a whole number, else an error naming the column, the value and the row. */
    static long classIndex(Number label, String labelCol, String where) {
        if (label instanceof Long || label instanceof Integer || label instanceof Short || label instanceof Byte) {
            return label.longValue();
        }
        double v = label.doubleValue();
        if (v != Math.rint(v) || Double.isInfinite(v) || Math.abs(v) > 1L << 53) {
            throw new IllegalArgumentException("label column '" + labelCol + "' holds " + label + " in " + where
                    + ": a class label must be a whole number");
        }
        return (long) v;
    }

    /** Spark's image struct (row-major BGR or BGRA bytes, or gray) as [C, H, W] RGB/gray in [0, 1]. */
    private static float[] fromImageStruct(Row image) {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        int c = n == 1 ? 1 : 3;
        float[] out = new float[c * h * w];
        for (int p = 0; p < h * w; p++) {
            for (int ch = 0; ch < c; ch++) {
                int source = n == 1 ? 0 : 2 - ch;   // BGR(A) → RGB
                out[ch * h * w + p] = (data[p * n + source] & 0xff) / 255f;
            }
        }
        return out;
    }

    private static StructField column(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("column '" + name + "' not found; the DataFrame has columns "
                + Arrays.toString(schema.fieldNames()));
    }

    private static float[] toFloats(Object value, String featuresCol, String where) {
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
                throw new IllegalArgumentException("features column '" + featuresCol + "' has a null element at index "
                        + i + " in " + where);
            }
            f[i] = ((Number) element).floatValue();
        }
        return f;
    }
}
