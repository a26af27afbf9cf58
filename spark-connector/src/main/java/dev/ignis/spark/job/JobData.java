package dev.ignis.spark.job;

import dev.ignis.data.Idx;
import dev.ignis.data.vision.ImageFolder;
import dev.ignis.spark.ImageFolderSource;
import dev.ignis.spark.Sample;
import dev.ignis.spark.SparkDatasets;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * The data a training job names, as samples: one of four formats, read on the cluster (IDX files
 * are read on the driver and parallelised). Images ({@code idx}, {@code image-folder}) become
 * [C, H, W] values in [0, 1], then {@code (x − mean[c]) / std[c]}; the tabular formats
 * ({@code parquet}, {@code csv}) are taken as they are.
 */
public final class JobData {
    /** The formats {@link #read} takes. */
    public static final List<String> FORMATS = List.of("idx", "image-folder", "parquet", "csv");

    private JobData() {
    }

    /**
     * How to read: the format and its columns, image mode and sample shape where they apply, and
     * the partitions to read into (0: as the source gives them; IDX data, read on the driver, is
     * then parallelised into the cluster's default parallelism).
     */
    public record Reading(String format, String featuresCol, String labelCol, String imageMode, int[] sampleShape,
                          int partitions) {
    }

    /**
     * Samples and what the model needs to know of them.
     *
     * @param sampleShape one sample's shape ([C, H, W] for images, [F] for a feature vector)
     * @param classes the number of classes: one more than the largest label
     * @param classNames the class names where the data names them (image folders), else null
     */
    public record Loaded(JavaRDD<Sample> samples, int[] sampleShape, int classes, List<String> classNames) {
    }

    /**
     * The samples at {@code uri}: for {@code idx}, the directory's {@code <split>-images-idx3-ubyte}
     * and {@code <split>-labels-idx1-ubyte} files (gzipped or not; split "train" or "t10k").
     * Images are normalised with {@code mean}/{@code std} (per channel; null: none).
     *
     * @throws IllegalArgumentException naming the path, column or file that does not fit
     */
    public static Loaded read(SparkSession spark, String uri, String split, Reading how, float[] mean, float[] std) {
        requireExists(spark, uri);
        return switch (how.format()) {
            case "idx" -> idx(spark, uri, split, how, mean, std);
            case "image-folder" -> imageFolder(spark, uri, how, mean, std);
            case "parquet" -> table(spark, spark.read().parquet(uri), uri, how);
            case "csv" -> table(spark, spark.read().option("header", "true").option("inferSchema", "true").csv(uri),
                    uri, how);
            default -> throw new IllegalArgumentException("unknown format '" + how.format() + "': one of "
                    + String.join(", ", FORMATS));
        };
    }

    /** Data named by the job's options is not there: a bad argument, not a failure of the training. */
    public static final class NoSuchInput extends IllegalArgumentException {
        NoSuchInput(String message) {
            super(message);
        }
    }

    /** Whether {@code uri} holds the IDX files of {@code split}. */
    public static boolean hasIdxSplit(SparkSession spark, String uri, String split) {
        return idxFile(spark, uri, split + "-images-idx3-ubyte") != null
                && idxFile(spark, uri, split + "-labels-idx1-ubyte") != null;
    }

    private static Loaded idx(SparkSession spark, String uri, String split, Reading how, float[] mean, float[] std) {
        String imagesName = split + "-images-idx3-ubyte";
        String labelsName = split + "-labels-idx1-ubyte";
        String images = idxFile(spark, uri, imagesName);
        String labels = idxFile(spark, uri, labelsName);
        if (images == null || labels == null) {
            throw new NoSuchInput(uri + " lacks " + (images == null ? imagesName : labelsName)
                    + "[.gz] (format idx: a directory of IDX files)");
        }
        float m = mean == null ? 0 : channel(mean, 1, "mean");
        float s = std == null ? 1 : channel(std, 1, "std");
        Tensor x = Idx.readFloats(images, m, s);
        Tensor y = Idx.readLongs(labels);
        if (x.dim() != 3 || y.dim() != 1 || x.size(0) != y.size(0)) {
            throw new IllegalArgumentException(images + " (shape " + Arrays.toString(x.shape()) + ") and " + labels
                    + " (shape " + Arrays.toString(y.shape()) + ") are not N images and their N labels");
        }
        int n = y.size(0);
        int pixels = x.size(1) * x.size(2);
        float[] values = x.toFloatArray();
        long[] targets = y.toLongArray();
        List<Sample> samples = new ArrayList<>(n);
        long maxLabel = -1;
        for (int i = 0; i < n; i++) {
            samples.add(new Sample(Arrays.copyOfRange(values, i * pixels, (i + 1) * pixels), targets[i]));
            maxLabel = Math.max(maxLabel, targets[i]);
        }
        JavaRDD<Sample> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(samples,
                how.partitions() > 0 ? how.partitions() : spark.sparkContext().defaultParallelism());
        // a task over a parallelised RDD carries its slice of the data (Spark warns of the task's
        // size): stored once on the executors and checkpointed there, the later jobs (statistics,
        // dealing into replicas every epoch, evaluation) ship block references instead
        rdd.persist(StorageLevel.MEMORY_AND_DISK());
        rdd.rdd().localCheckpoint();
        rdd.count();
        return new Loaded(rdd, new int[] {1, x.size(1), x.size(2)}, (int) maxLabel + 1, null);
    }

    /** Fails naming {@code uri} (a path or a glob) when nothing is there, before Spark's reader logs its own trace. */
    private static void requireExists(SparkSession spark, String uri) {
        Path p = new Path(uri);
        try {
            FileStatus[] found = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).globStatus(p);
            if (found == null || found.length == 0) {
                throw new NoSuchInput(uri + ": no such file or directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("looking for " + uri + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code dir/name.gz} or {@code dir/name}, whichever exists, else null. */
    private static String idxFile(SparkSession spark, String dir, String name) {
        for (String candidate : List.of(name + ".gz", name)) {
            Path p = new Path(dir, candidate);
            try {
                FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
                if (fs.isFile(p)) {
                    return p.toString();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("looking for " + p + " failed: " + e.getMessage(), e);
            }
        }
        return null;
    }

    private static float channel(float[] stats, int channels, String what) {
        if (stats.length != channels) {
            throw new IllegalArgumentException("--" + what + " has " + stats.length + " values but the images have "
                    + channels + " channel(s)");
        }
        return stats[0];
    }

    private static Loaded imageFolder(SparkSession spark, String uri, Reading how, float[] mean, float[] std) {
        List<String> classes = new ImageFolder(uri, new ImageFolder.Options()
                .conf(spark.sparkContext().hadoopConfiguration())).classes();
        JavaRDD<Sample> samples = ImageFolderSource.read(spark, uri, how.imageMode(), mean, std);
        if (how.partitions() > 0) {
            samples = samples.repartition(how.partitions());
        }
        int channels = how.imageMode().equals("L") ? 1 : 3;
        int[] shape = how.sampleShape();
        if (shape == null) {
            int perChannel = samples.first().features().length / channels;
            int side = (int) Math.round(Math.sqrt(perChannel));
            if (side * side != perChannel) {
                throw new IllegalArgumentException("the images in " + uri + " are not square (" + perChannel
                        + " pixels per channel); give --sample-shape C,H,W");
            }
            shape = new int[] {channels, side, side};
        }
        return new Loaded(samples, shape, classes.size(), classes);
    }

    /**
     * A table's rows as samples: the features column (a vector or numeric array), or for a table
     * without one, every numeric column but the label, in order.
     */
    private static Loaded table(SparkSession spark, Dataset<Row> df, String uri, Reading how) {
        String features = how.featuresCol();
        if (!Arrays.asList(df.columns()).contains(features)) {
            List<Column> numeric = new ArrayList<>();
            for (StructField f : df.schema().fields()) {
                if (!f.name().equals(how.labelCol()) && f.dataType() instanceof NumericType) {
                    numeric.add(functions.col(f.name()).cast(DataTypes.FloatType));
                }
            }
            if (numeric.isEmpty()) {
                throw new IllegalArgumentException(uri + " has no column '" + features + "' and no numeric column"
                        + " besides the label '" + how.labelCol() + "' (columns: " + String.join(", ", df.columns())
                        + ")");
            }
            df = df.withColumn(features, functions.array(numeric.toArray(new Column[0])));
        }
        if (how.partitions() > 0) {
            df = df.repartition(how.partitions());
        }
        JavaRDD<Sample> samples = SparkDatasets.fromDataFrame(df, features, how.labelCol());
        Row max = df.agg(functions.max(functions.col(how.labelCol()))).first();
        if (max.isNullAt(0)) {
            throw new IllegalArgumentException(uri + " has no rows with a label in column '" + how.labelCol() + "'");
        }
        int classes = (int) ((Number) max.get(0)).doubleValue() + 1;
        int[] shape = how.sampleShape() != null ? how.sampleShape()
                : new int[] {samples.first().features().length};
        return new Loaded(samples, shape, classes, null);
    }

    /**
     * {@code data}'s [C, ...] image samples normalised per channel, {@code (x − mean[c]) / std[c]},
     * as {@link #read} normalises them, computed from the samples already read.
     */
    public static Loaded normalized(Loaded data, float[] mean, float[] std) {
        int channels = data.sampleShape()[0];
        channel(mean, channels, "mean");
        channel(std, channels, "std");
        float[] m = mean.clone();
        float[] s = std.clone();
        JavaRDD<Sample> samples = data.samples().map(sample -> {
            float[] f = sample.features().clone();
            int per = f.length / channels;
            for (int c = 0; c < channels; c++) {
                for (int i = c * per; i < (c + 1) * per; i++) {
                    f[i] = (f[i] - m[c]) / s[c];
                }
            }
            return new Sample(f, sample.label(), sample.target());
        });
        return new Loaded(samples, data.sampleShape(), data.classes(), data.classNames());
    }

    /**
     * The per-channel mean and standard deviation of {@code samples}' values (population std, as
     * the usual normalisation constants are computed), for [C, ...] samples of {@code channels}
     * channels: {mean, std}.
     */
    public static float[][] channelStats(JavaRDD<Sample> samples, int channels) {
        double[] sums = samples.treeAggregate(new double[2 * channels + 1], (acc, s) -> {
            float[] f = s.features();
            int per = f.length / channels;
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                double squares = 0;
                for (int i = c * per; i < (c + 1) * per; i++) {
                    sum += f[i];
                    squares += (double) f[i] * f[i];
                }
                acc[c] += sum;
                acc[channels + c] += squares;
            }
            acc[2 * channels] += per;
            return acc;
        }, (a, b) -> {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return a;
        });
        double count = sums[2 * channels];
        if (count == 0) {
            throw new IllegalArgumentException("no samples to compute the normalisation from");
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sums[c] / count;
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(sums[channels + c] / count - m * m, 0));
        }
        return new float[][] {mean, std};
    }
}
