package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
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
        Configuration conf = new Configuration();
        File base = Files.createTempDirectory("ignis-minidfs").toFile();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        root = hdfs.getFileSystem().getUri().toString();
        spark = SparkSession.builder().master("local[2,4]").appName("ignis-ckpt-test").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
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
        assertEquals(List.of("round-000002.ckpt", "round-000004.ckpt"), written, "checkpoints every 2 rounds, none half-written");

        // damage the newest checkpoint: the resumed run must notice and start from round 2 instead
        try (OutputStream out = fs.create(new Path(dir, "round-000004.ckpt"), true)) {
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
    void dataFrameColumnsAreCheckedBeforeAnyJob() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.LongType).add("name", DataTypes.StringType);
        List<Row> rows = List.of(RowFactory.create(new float[] {1, 2}, 0L, "a"), RowFactory.create(new float[] {3, 4}, 1L,
                "b"));
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        assertEquals("column 'feats' not found; the DataFrame has columns [features, label, name]",
                assertThrows(IllegalArgumentException.class, () -> SparkDatasets.fromDataFrame(df, "feats", "label"))
                        .getMessage());
        assertEquals("features column 'name' must be an ML Vector, array<float> or array<double>, but is string",
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
}
