package dev.ignis.spark;

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

    /**
     * Samples from a DataFrame with a features column (an ML {@code Vector}, {@code array<float>} or
     * {@code array<double>}) and a numeric label column.
     *
     * @throws IllegalArgumentException naming the column and its type when the schema does not fit
     */
    public static JavaRDD<Sample> fromDataFrame(Dataset<Row> df, String featuresCol, String labelCol) {
        StructType schema = df.schema();
        DataType features = column(schema, featuresCol).dataType();
        boolean vector = features.equals(SQLDataTypes.VectorType());
        boolean array = features instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType)
                || a.elementType().equals(DataTypes.DoubleType));
        if (!vector && !array) {
            throw new IllegalArgumentException("features column '" + featuresCol + "' must be an ML Vector, array<float> or"
                    + " array<double>, but is " + features.simpleString());
        }
        DataType label = column(schema, labelCol).dataType();
        if (!(label instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + labelCol + "' must be numeric, but is "
                    + label.simpleString());
        }
        return df.select(featuresCol, labelCol).javaRDD().map(row -> new Sample(toFloats(row.get(0)),
                ((Number) row.get(1)).longValue()));
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

    private static float[] toFloats(Object value) {
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
            f[i] = ((Number) list.get(i)).floatValue();
        }
        return f;
    }
}
