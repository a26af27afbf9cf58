package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ignis.nn.Flatten;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.Sequential;
import dev.ignis.tensor.Generator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IgnisClassifier fitted on, and its model scoring, image columns read from HDFS: the encoded files
 * of Spark's {@code binaryFile} source and the decoded struct of its {@code image} source.
 */
class ImageColumnsModelTest {
    static SparkSession spark;
    static MiniDFSCluster hdfs;
    static String folder;

    @BeforeAll
    static void start() throws IOException {
        spark = LocalSpark.start("ignis-image-columns-test");
        hdfs = LocalSpark.startHdfs();
        folder = hdfs.getFileSystem().getUri() + "/images";
        FileSystem fs = hdfs.getFileSystem();
        // dark/ holds 4×4 grey images of values 0..60, bright/ of values 190..250
        for (int i = 0; i < 8; i++) {
            write(fs, new Path(folder + "/dark/" + i + ".png"), 10 * i % 70);
            write(fs, new Path(folder + "/bright/" + i + ".png"), 190 + 10 * i % 70);
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
        hdfs.shutdown();
    }

    private static void write(FileSystem fs, Path file, int grey) throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, grey * 0x010101);
            }
        }
        try (OutputStream out = fs.create(file)) {
            ImageIO.write(img, "png", out);
        }
    }

    static Module net() {
        return new Sequential(new Flatten(), new Linear(16, 2, true, new Generator(4)));
    }

    /** The label from the file's class folder: bright 1, dark 0. */
    private static Dataset<Row> labelled(Dataset<Row> df, String pathColumn) {
        return df.withColumn("label", functions.when(functions.col(pathColumn).contains("/bright/"), 1.0)
                .otherwise(0.0));
    }

    @Test
    void aClassifierFitsOnEncodedFilesAndItsModelScoresBothImageColumnsAlike() {
        Dataset<Row> files = labelled(spark.read().format("binaryFile").load(folder + "/*/*.png"), "path");
        IgnisClassificationModel model = new IgnisClassifier().setModel(ImageColumnsModelTest::net)
                .setFeaturesCol("content").setImageMode("L").setSampleShape(1, 4, 4).setEpochs(20).setBatchSize(4)
                .setOptimizer("adam").setLearningRate(0.05).setReplicas(2).setSeed(1).fit(files);

        List<Row> fromFiles = model.transform(files).select("path", "label", "prediction").orderBy("path")
                .collectAsList();
        assertEquals(16, fromFiles.size());
        for (Row r : fromFiles) {
            assertEquals(r.getDouble(1), r.getDouble(2), "prediction for " + r.getString(0));
        }

        Dataset<Row> structs = labelled(spark.read().format("image").load(folder + "/*/*.png"), "image.origin");
        List<Row> fromStructs = model.setFeaturesCol("image").transform(structs)
                .select("image.origin", "rawPrediction").orderBy("origin").collectAsList();
        List<Row> raw = model.setFeaturesCol("content").transform(files).select("path", "rawPrediction")
                .orderBy("path").collectAsList();
        for (int i = 0; i < raw.size(); i++) {
            assertEquals(raw.get(i).get(1), fromStructs.get(i).get(1), "the same image decoded either way: "
                    + raw.get(i).getString(0));
        }
    }
}
