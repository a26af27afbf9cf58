package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checkpoints and metrics on a real HDFS (MiniDFSCluster), resumed runs, and DataFrame schema checks. */
class CheckpointResumeTest {
    static MiniDFSCluster hdfs;
    static SparkSession spark;
    static JavaSparkContext jsc;
    static String root;

    @BeforeAll
    static void start() throws IOException {
        hdfs = LocalSpark.startHdfs();
        root = hdfs.getFileSystem().getUri().toString();
        spark = LocalSpark.start("ignis-ckpt-test");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
        hdfs.shutdown();
    }

    private static DistributedTrainer.Builder trainer(String dir) {
        return DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM).epochs(3).checkpoint(dir, 2)
                .swa(2, 0.05, 1);
    }

    @Test
    void aResumedRunReachesTheSameWeightsAndACorruptCheckpointFallsBackToThePreviousOne() throws IOException {
        JavaRDD<Sample> data = jsc.parallelize(DistributedTrainerTest.samples(120), 2);
        TrainingResult full = trainer(root + "/ckpt-full").outputDir(root + "/out").build().fit(data);

        String dir = root + "/ckpt-interrupted";
        Exception crash = assertThrows(Exception.class, () -> trainer(dir).taskHook((round, partition, attempt) -> {
            if (round == 5) {
                throw new IllegalStateException("the cluster went away");
            }
        }).build().fit(data));
        assertTrue(String.valueOf(crash.getMessage()).contains("the cluster went away"));
        FileSystem fs = FileSystem.get(java.net.URI.create(root), hdfs.getConfiguration(0));
        List<String> written = names(fs, dir);
        assertEquals(List.of("round-000002.safetensors", "round-000004.safetensors"), written, "checkpoints every 2 rounds, none half-written");

        // damage the newest checkpoint: the resumed run must notice and start from round 2 instead
        try (OutputStream out = fs.create(new Path(dir, "round-000004.safetensors"), true)) {
            out.write(new byte[] {1, 2, 3});
        }
        TrainingResult resumed = trainer(dir).resume(true).build().fit(data);
        assertEquals(0.0, DistributedTrainerTest.maxDiff(full.model(), resumed.model()));
        assertEquals(0.0, DistributedTrainerTest.maxDiff(full.swaModel(), resumed.swaModel()));
        assertEquals(full.metrics().size(), resumed.metrics().size());

        List<String> out = names(fs, root + "/out");
        assertTrue(out.containsAll(List.of("curves.png", "metrics.csv", "metrics.json")), out.toString());
        String csv = new String(fs.open(new Path(root + "/out/metrics.csv")).readAllBytes());
        assertEquals(full.metrics().size() + 1, csv.split("\n").length);
        assertTrue(csv.startsWith("round,epoch,lr,loss,accuracy,samples,seconds,overhead,bytes\n0,0,0.1,"), csv);
    }

    private static List<String> names(FileSystem fs, String dir) throws IOException {
        return Arrays.stream(fs.listStatus(new Path(dir))).map(FileStatus::getPath).map(Path::getName).sorted().toList();
    }

    @Test
    void nullsAndFractionalLabelsAreRefusedNamingColumnAndRow() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType, true))
                .add("label", DataTypes.DoubleType, true);
        java.util.function.Function<List<Row>, String> failure = rows -> LocalSpark.rootMessage(assertThrows(Exception.class,
                () -> SparkDatasets.fromDataFrame(spark.createDataFrame(rows, schema).coalesce(1), "features", "label")
                        .collect()));
        Row good = RowFactory.create(List.of(1.0, 2.0), 1.0);
        assertEquals("features column 'features' is null in row 1 of partition 0",
                failure.apply(List.of(good, RowFactory.create(null, 0.0))));
        assertEquals("label column 'label' is null in row 2 of partition 0",
                failure.apply(List.of(good, good, RowFactory.create(List.of(1.0, 1.0), null))));
        assertEquals("features column 'features' has a null element at index 1 in row 0 of partition 0",
                failure.apply(List.of(RowFactory.create(java.util.Arrays.asList(1.0, null), 0.0))));
        assertEquals("label column 'label' holds 2.5 in row 1 of partition 0: a class label must be a whole number",
                failure.apply(List.of(good, RowFactory.create(List.of(1.0, 1.0), 2.5))));
        assertEquals(2L, SparkDatasets.fromDataFrame(spark.createDataFrame(List.of(RowFactory.create(List.of(1.0, 2.0),
                2.0)), schema), "features", "label").collect().get(0).label(), "a whole-number double label is fine");
    }

    @Test
    void dataFrameColumnsAreCheckedBeforeAnyJob() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.LongType).add("name", DataTypes.StringType);
        List<Row> rows = List.of(RowFactory.create(new float[] {1, 2}, 0L, "a"), RowFactory.create(new float[] {3, 4}, 1L,
                "b"));
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        assertEquals("column 'feats' not found; the DataFrame has columns [features, label, name]",
                assertThrows(IllegalArgumentException.class, () -> SparkDatasets.fromDataFrame(df, "feats", "label"))
                        .getMessage());
        assertEquals("features column 'name' must be an ML Vector, array<float>, array<double>, binary (encoded images)"
                + " or an image struct, but is string",
                assertThrows(IllegalArgumentException.class, () -> SparkDatasets.fromDataFrame(df, "name", "label"))
                        .getMessage());
        assertEquals("label column 'name' must be numeric, but is string",
                assertThrows(IllegalArgumentException.class, () -> SparkDatasets.fromDataFrame(df, "features", "name"))
                        .getMessage());
        List<Sample> samples = SparkDatasets.fromDataFrame(df, "features", "label").collect();
        assertEquals(2, samples.size());
        assertEquals(1L, samples.get(1).label());
        assertEquals(4f, samples.get(1).features()[1]);
    }

    @Test
    void anImageFolderOnHdfsIsReadWithClassLabelsAndDecodedOnTheExecutors() throws IOException {
        FileSystem fs = FileSystem.get(java.net.URI.create(root), hdfs.getConfiguration(0));
        String folder = root + "/images";
        int[][] values = {{10, 200}, {30, 40}, {250, 0}};
        String[] classes = {"cat", "ant", "bee"};
        for (int i = 0; i < values.length; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(2, 1,
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(0, 0, 0, values[i][0]);
            img.getRaster().setSample(1, 0, 0, values[i][1]);
            try (OutputStream out = fs.create(new Path(folder + "/" + classes[i] + "/nested/img" + i + ".png"))) {
                javax.imageio.ImageIO.write(img, "png", out);
            }
        }
        try (OutputStream out = fs.create(new Path(folder + "/ant/notes.txt"))) {
            out.write("not an image".getBytes());
        }
        assertEquals(List.of("ant", "bee", "cat"), dev.ignis.data.vision.ImageFolder.findClasses(folder, hdfs.getConfiguration(0)));
        List<Sample> samples = new java.util.ArrayList<>(ImageFolderSource.read(spark, folder, "L", new float[] {0.5f},
                new float[] {0.5f}).collect());
        samples.sort(java.util.Comparator.comparingLong(Sample::label));
        assertEquals(3, samples.size(), "the .txt file is skipped");
        // ant = values[1] (label 0), bee = values[2] (label 1), cat = values[0] (label 2)
        int[] source = {1, 2, 0};
        for (int label = 0; label < 3; label++) {
            Sample s = samples.get(label);
            assertEquals(label, s.label());
            for (int p = 0; p < 2; p++) {
                assertEquals((values[source[label]][p] / 255f - 0.5f) / 0.5f, s.features()[p], 1e-6f);
            }
        }
    }

    @Test
    void binaryImageColumnsAndSparkImageStructsAreDecodedToChannelsFirst() throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(2, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        img.setRGB(1, 0, 0x0000ff);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", png);
        StructType schema = new StructType().add("content", DataTypes.BinaryType).add("label", DataTypes.IntegerType);
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(png.toByteArray(), 3)), schema);
        Sample s = SparkDatasets.fromDataFrame(df, "content", "label").collect().get(0);
        assertEquals(3L, s.label());
        // [C, H, W] = R (1, 0), G (0, 0), B (0, 1)
        assertEquals(List.of(1f, 0f, 0f, 0f, 0f, 1f), toList(s.features()));

        StructType imageType = new StructType().add("origin", DataTypes.StringType).add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType).add("nChannels", DataTypes.IntegerType)
                .add("mode", DataTypes.IntegerType).add("data", DataTypes.BinaryType);
        Row bgr = RowFactory.create("x.png", 1, 2, 3, 16, new byte[] {0, 0, (byte) 255, (byte) 255, 0, 0});
        Dataset<Row> images = spark.createDataFrame(List.of(RowFactory.create(bgr, 1L)),
                new StructType().add("image", imageType).add("label", DataTypes.LongType));
        assertEquals(List.of(1f, 0f, 0f, 0f, 0f, 1f),
                toList(SparkDatasets.fromDataFrame(images, "image", "label").collect().get(0).features()));
        // in mode L as PIL's convert("L"): red 255·0.299 → 76, blue 255·0.114 → 29, as the PNG decodes
        List<Float> luma = List.of(76 / 255f, 29 / 255f);
        assertEquals(luma, toList(SparkDatasets.fromDataFrame(images, "image", "label", "L").collect().get(0)
                .features()));
        assertEquals(luma, toList(SparkDatasets.fromDataFrame(df, "content", "label", "L").collect().get(0)
                .features()));
    }

    private static List<Float> toList(float[] v) {
        List<Float> out = new java.util.ArrayList<>();
        for (float x : v) {
            out.add(x);
        }
        return out;
    }
}
