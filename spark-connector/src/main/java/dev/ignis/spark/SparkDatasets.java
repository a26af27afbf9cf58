package dev.ignis.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
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
        return samples(df, featuresCol, labelCol, imageMode,
                (features, label, where) -> new Sample(features, classIndex(label, labelCol, where)));
    }

    /**
     * Regression samples from a DataFrame: the features as in
     * {@link #fromDataFrame(Dataset, String, String, String)}, and a numeric label column whose
     * value is each sample's one target ({@link Sample#regression}).
     *
     * @throws IllegalArgumentException naming the column and its type when the schema does not fit
     */
    public static JavaRDD<Sample> regressionFromDataFrame(Dataset<Row> df, String featuresCol, String labelCol,
                                                          String imageMode) {
        return samples(df, featuresCol, labelCol, imageMode,
                (features, label, where) -> Sample.regression(features, label.floatValue()));
    }

    /** How a row's features and (non-null, numeric) label become a sample; {@code where} names the row. */
    private interface SampleMaker extends java.io.Serializable {
        Sample make(float[] features, Number label, String where);
    }

    private static JavaRDD<Sample> samples(Dataset<Row> df, String featuresCol, String labelCol, String imageMode,
                                           SampleMaker maker) {
        FeatureColumn features = FeatureColumn.of(df.schema(), featuresCol, imageMode);
        checkLabel(df.schema(), labelCol);
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
                    float[] f = features.read(row.get(0), where);
                    if (row.isNullAt(1)) {
                        throw new IllegalArgumentException("label column '" + labelCol + "' is null in " + where);
                    }
                    return maker.make(f, (Number) row.get(1), where);
                }
            };
            return samples;
        }, true);
    }

    /** @throws IllegalArgumentException naming the column when {@code labelCol} is missing or not numeric */
    static void checkLabel(StructType schema, String labelCol) {
        DataType label = FeatureColumn.column(schema, labelCol).dataType();
        if (!(label instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + labelCol + "' must be numeric, but is "
                    + label.simpleString());
        }
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
}
