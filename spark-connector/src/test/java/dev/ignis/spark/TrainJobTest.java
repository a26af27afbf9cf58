package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.autograd.GradMode;
import dev.ignis.nn.ModelDirectory;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.spark.custom.TinyClassifier;
import dev.ignis.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainJob} as spark-submit runs it, on data in HDFS (MiniDFSCluster) in each of its
 * tabular and image formats: the exit status, the summary line, and the model directory it writes,
 * loaded back without the code that built it and scoring the data as the job reported.
 */
class TrainJobTest {
    /** 400 points in [-1, 1]^4, class 1 where a + b > 0: separable by the first two features. */
    private static final int N = 400;
    private static final float[][] X = new float[N][4];
    private static final int[] Y = new int[N];

    static SparkSession spark;
    static MiniDFSCluster hdfs;
    static String root;

    @BeforeAll
    static void start() throws IOException {
        Random random = new Random(7);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < 4; j++) {
                X[i][j] = random.nextFloat() * 2 - 1;
            }
            Y[i] = X[i][0] + X[i][1] > 0 ? 1 : 0;
        }
        spark = LocalSpark.start("ignis-train-job-test");
        hdfs = LocalSpark.startHdfs();
        root = hdfs.getFileSystem().getUri().toString();
        FileSystem fs = hdfs.getFileSystem();
        try (OutputStream out = fs.create(new Path(root + "/points.csv"))) {
            StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
            for (int i = 0; i < N; i++) {
                csv.append(X[i][0]).append(',').append(X[i][1]).append(',').append(X[i][2]).append(',')
                        .append(X[i][3]).append(',').append(Y[i]).append('\n');
            }
            out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            rows.add(RowFactory.create(boxed(X[i]), (long) Y[i]));
        }
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.LongType);
        spark.createDataFrame(rows, schema).write().parquet(root + "/points.parquet");
        // dark/ holds 4×4 grey images of values 0..77, bright/ of values 170..247
        for (int i = 0; i < 16; i++) {
            png(fs, new Path(root + "/images/dark/" + i + ".png"), 5 * i);
            png(fs, new Path(root + "/images/bright/" + i + ".png"), 170 + 5 * i);
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
        hdfs.shutdown();
    }

    private static Float[] boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** A 4×4 image of values grey, grey + 1, grey + 2, grey, ... (their mean grey + 15/16). */
    private static void png(FileSystem fs, Path file, int grey) throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 16; p++) {
            img.getRaster().setSample(p % 4, p / 4, 0, grey + p % 3);
        }
        try (OutputStream out = fs.create(file)) {
            ImageIO.write(img, "png", out);
        }
    }

    private record Run(int status, String out, String err) {
    }

    /** {@code TrainJob.run(args)}, capturing what it prints. */
    private static Run trainJob(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            status = TrainJob.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Run(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    }

    private static double field(String text, String name) {
        Matcher m = Pattern.compile(" " + name + "=([0-9.]+)").matcher(text);
        assertTrue(m.find(), name + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    /** The share of the points the loaded model classifies right. */
    private static double accuracy(dev.ignis.nn.Module model) {
        float[] flat = new float[N * 4];
        for (int i = 0; i < N; i++) {
            System.arraycopy(X[i], 0, flat, 4 * i, 4);
        }
        long[] predicted;
        model.eval();
        try (var ignored = GradMode.noGrad()) {
            predicted = model.call(Tensor.fromArray(flat, N, 4)).argmax(1, false).toLongArray();
        }
        int correct = 0;
        for (int i = 0; i < N; i++) {
            correct += predicted[i] == Y[i] ? 1 : 0;
        }
        return (double) correct / N;
    }

    @Test
    void aCsvTableInHdfsTrainsAModelThatLoadsBackWithItsMetadata() throws IOException {
        String csv = root + "/points.csv";
        String output = root + "/runs/csv";
        Run run = trainJob("--data", csv, "--format", "csv", "--test-data", csv, "--model", "mlp", "--epochs", "10",
                "--batch-size", "16", "--replicas", "2", "--output", output, "--seed", "1", "--tensorboard",
                output + "/tb");
        assertEquals(0, run.status(), run.err() + run.out());
        double reported = field(run.out(), "test_acc");
        assertTrue(reported >= 0.9, run.out());
        assertEquals(2, (int) field(run.out(), "replicas"), run.out());

        ModelDirectory.Loaded loaded = ModelDirectory.load(output + "/model", new Configuration());
        JsonNode meta = loaded.metadata();
        assertEquals("[\"0\",\"1\"]", meta.path("classes").toString());
        assertEquals("[4]", meta.path("input_shape").toString());
        assertEquals("csv", meta.path("data_format").asText());
        assertFalse(meta.has("normalize"), "a table is taken as it is: " + meta);
        assertEquals(reported, accuracy(loaded.model()), 1e-4, "the saved model is the one the job evaluated");

        FileSystem fs = hdfs.getFileSystem();
        FileStatus[] events = fs.listStatus(new Path(output + "/tb"));
        assertEquals(1, events.length, "one event file");
        TensorBoardEvents.Events tb;
        try (var in = fs.open(events[0].getPath())) {
            tb = TensorBoardEvents.read(in.readAllBytes());
        }
        List<TensorBoardEvents.Scalar> losses = tb.scalars().stream().filter(s -> s.tag().equals("train/loss"))
                .toList();
        assertEquals(10, losses.size(), "one loss per round, one round per epoch: " + tb.scalars());
        assertEquals(10, losses.get(9).step());
        assertEquals(10, tb.scalars().stream().filter(s -> s.tag().equals("epoch/train_accuracy")).count());
    }

    @Test
    void aParquetVectorColumnTrainsWithAdamACosineScheduleAndValidation() throws IOException {
        String parquet = root + "/points.parquet";
        String output = root + "/runs/parquet";
        Run run = trainJob("--data", parquet, "--format", "parquet", "--test-data", parquet, "--model", "mlp",
                "--epochs", "8", "--batch-size", "16", "--optimizer", "adam", "--lr", "0.01", "--scheduler", "cosine",
                "--validation-split", "0.25", "--output", output);
        assertEquals(0, run.status(), run.err() + run.out());
        assertTrue(field(run.out(), "test_acc") >= 0.9, run.out());
        FileSystem fs = hdfs.getFileSystem();
        for (String written : List.of("metrics.json", "curves.png", "model/model.json", "model/model.safetensors")) {
            assertTrue(fs.isFile(new Path(output, written)), written + " under " + output);
        }
    }

    @Test
    void anImageFolderInHdfsTrainsWithItsFolderNamesAndNormalisation() {
        String images = root + "/images";
        String output = root + "/runs/images";
        Run run = trainJob("--data", images, "--format", "image-folder", "--test-data", images, "--model", "mlp",
                "--epochs", "10", "--batch-size", "4", "--output", output);
        assertEquals(0, run.status(), run.err() + run.out());
        assertEquals(1.0, field(run.out(), "test_acc"), 1e-9, run.out());
        JsonNode meta = ModelDirectory.load(output + "/model", new Configuration()).metadata();
        assertEquals("[\"bright\",\"dark\"]", meta.path("classes").toString());
        assertEquals("[1,4,4]", meta.path("input_shape").toString());
        double mean = meta.path("normalize").path("mean").get(0).asDouble();
        double expected = ((5 * 7.5 + 15 / 16.0) * 2 + 170) / 2 / 255;
        assertEquals(expected, mean, 1e-6, "the training images' mean: " + meta);
    }

    @Test
    void aModelClassFromTheUsersJarIsTrainedAndSavedByItsName() {
        String csv = root + "/points.csv";
        String output = root + "/runs/custom";
        Run run = trainJob("--data", csv, "--format", "csv", "--model", TinyClassifier.class.getName(), "--epochs",
                "3", "--output", output);
        assertEquals(0, run.status(), run.err() + run.out());
        ModelDirectory.Loaded loaded = ModelDirectory.load(output + "/model", new Configuration());
        assertTrue(loaded.model() instanceof TinyClassifier, loaded.model().getClass().getName());
    }

    @Test
    void theExitStatusTellsSuccessBadArgumentsAndFailureApart() {
        Run help = trainJob("--help");
        assertEquals(0, help.status(), help.err());
        for (String option : List.of("--data", "--format", "--model", "--epochs", "--batch-size", "--optimizer",
                "--scheduler", "--steps-per-round", "--replicas", "--swa-start", "--swa-lr", "--validation-data",
                "--checkpoint-dir", "--resume", "--output", "--seed", "--device")) {
            assertTrue(help.out().contains(option), option + " in:\n" + help.out());
        }

        Run badValue = trainJob("--data", root + "/points.csv", "--epochs", "0");
        assertEquals(CliErrors.USER_ERROR, badValue.status(), badValue.err());
        assertEquals("ignis train: --epochs must be at least 1, got 0 (see '" + TrainJob.LAUNCHER + " --help')",
                badValue.err().strip());
        Run noData = trainJob("--epochs", "2");
        assertEquals(CliErrors.USER_ERROR, noData.status(), noData.err());
        assertTrue(noData.err().contains("--data is required"), noData.err());
        Run noClass = trainJob("--data", root + "/points.csv", "--model", "com.acme.NoSuchNet");
        assertEquals(CliErrors.USER_ERROR, noClass.status(), noClass.err());
        assertTrue(noClass.err().contains("--model com.acme.NoSuchNet: not a dev.ignis.nn.Module class"),
                noClass.err());

        Run missing = trainJob("--data", root + "/nowhere.parquet", "--format", "parquet");
        assertEquals(CliErrors.USER_ERROR, missing.status(), missing.err());
        assertTrue(missing.err().contains("ignis train: " + root + "/nowhere.parquet: no such file or directory"),
                missing.err());

        Run corrupt = trainJob("--data", root + "/points.csv", "--format", "parquet");
        assertEquals(CliErrors.FAILURE, corrupt.status(), corrupt.err());
        assertTrue(corrupt.err().contains("ignis train: failed: ") && corrupt.err().contains("points.csv"),
                corrupt.err());
        assertFalse(corrupt.err().contains("\tat "), "no stack trace without --verbose: " + corrupt.err());
    }
}
