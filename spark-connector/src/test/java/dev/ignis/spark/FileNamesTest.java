package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.Safetensors;
import dev.ignis.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Folder and file names with spaces, '%', '#', brackets and non-ASCII letters, given as plain
 * paths, work everywhere on file: and hdfs:: ImageFolderSource, checkpoints, metrics and
 * safetensors.
 */
class FileNamesTest {
    /** A root folder and class folders that a URI would escape, misread or glob. */
    private static final String ROOT = "my data #2 [v1] 100%";
    private static final String[] CLASSES = {"50% off #1 [x]", "Größe", "T-shirt top"};

    static MiniDFSCluster hdfs;
    static SparkSession spark;
    static JavaSparkContext jsc;
    static File local;

    @BeforeAll
    static void start() throws IOException {
        hdfs = LocalSpark.startHdfs();
        spark = LocalSpark.start("ignis-file-names-test");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        local = Files.createTempDirectory("ignis names").toFile();
    }

    @AfterAll
    static void stop() {
        spark.stop();
        hdfs.shutdown();
    }

    /** Writes one 1×1 grayscale PNG of value 10·(class + 1) per class, named with awkward characters too. */
    private static void writeImages(FileSystem fs, Path root) throws IOException {
        for (int c = 0; c < CLASSES.length; c++) {
            BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(0, 0, 0, 10 * (c + 1));
            try (OutputStream out = fs.create(new Path(new Path(root, CLASSES[c]), "img #" + c + " [a] 5%.png"))) {
                ImageIO.write(img, "png", out);
            }
        }
    }

    private static void checkImageFolderSource(String root) {
        List<Sample> samples = new java.util.ArrayList<>(ImageFolderSource.read(spark, root, "L", null, null).collect());
        samples.sort(Comparator.comparingLong(Sample::label));
        assertEquals(3, samples.size(), root);
        for (int c = 0; c < 3; c++) {
            assertEquals(c, samples.get(c).label());
            assertEquals(10 * (c + 1) / 255f, samples.get(c).features()[0], 1e-6f, "class " + CLASSES[c]);
        }
    }

    @Test
    void imageFolderSourceReadsAwkwardNamesFromAPlainLocalPath() throws IOException {
        String root = new File(local, ROOT).getPath();
        writeImages(FileSystem.getLocal(new Configuration()), new Path(root));
        checkImageFolderSource(root);
    }

    @Test
    void imageFolderSourceReadsAwkwardNamesFromHdfs() throws IOException {
        String root = hdfs.getFileSystem().getUri() + "/" + ROOT;
        writeImages(hdfs.getFileSystem(), new Path(root));
        checkImageFolderSource(root);
    }

    @Test
    void checkpointsMetricsAndSafetensorsTakeAwkwardDirectoriesOnBothFileSystems() throws IOException {
        JavaRDD<Sample> data = jsc.parallelize(DistributedTrainerTest.samples(60), 2);
        Configuration localConf = new Configuration();
        Map<String, Configuration> bases = Map.of(new File(local, "runs").getPath(), localConf,
                hdfs.getFileSystem().getUri() + "/runs", hdfs.getConfiguration(0));
        for (Map.Entry<String, Configuration> b : bases.entrySet()) {
            String base = b.getKey();
            Configuration conf = b.getValue();
            String ckpt = base + "/ckpt " + ROOT;
            String out = base + "/out " + CLASSES[1] + " " + CLASSES[0];
            TrainingResult result = DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM)
                    .checkpoint(ckpt, 1).outputDir(out).build().fit(data);
            FileSystem fs = new Path(base).getFileSystem(conf);
            assertTrue(names(fs, ckpt).contains("round-000001.safetensors"), names(fs, ckpt).toString());
            assertTrue(names(fs, out).contains("metrics.csv"), names(fs, out).toString());
            TrainingResult resumed = DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM)
                    .checkpoint(ckpt, 1).resume(true).build().fit(data);
            assertEquals(0.0, DistributedTrainerTest.maxDiff(result.model(), resumed.model()), base);
            String weights = out + "/model #1 [final] 100%.safetensors";
            Map<String, Tensor> state = result.model().stateDict();
            Safetensors.save(state, weights, Map.of(), conf);
            Map<String, Tensor> read = Safetensors.load(weights, conf);
            for (String key : state.keySet()) {
                assertArrayEquals(state.get(key).toFloatArray(), read.get(key).toFloatArray(), key);
            }
        }
    }

    private static List<String> names(FileSystem fs, String dir) throws IOException {
        return Arrays.stream(fs.listStatus(new Path(dir))).map(FileStatus::getPath).map(Path::getName).sorted().toList();
    }
}
