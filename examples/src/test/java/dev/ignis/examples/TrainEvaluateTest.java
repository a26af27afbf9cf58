package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.spark.cli.CliErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.ignis.nn.ModelDirectory;
import dev.ignis.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ignis train --output} then {@code ignis evaluate --model} on the bundled Fashion-MNIST
 * subset (4,000 training and 1,000 test images), as a user on a fresh clone runs them: the model
 * directory alone rebuilds the model, and evaluation prints the per-class report, the confusion
 * matrix and the same test accuracy that training printed.
 */
class TrainEvaluateTest {
    private static final String SUBSET = Path.of("..", FashionMnist.SUBSET_DIR).toString();

    private record Run(int status, String out, String err) {
    }

    /** Runs {@code bin/ignis args} in this JVM, capturing what it prints. */
    private static Run ignis(String... args) {
        PrintStream previous = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int status;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            CommandLine cli = IgnisCli.commandLine();
            cli.setErr(new PrintWriter(err));
            status = cli.execute(args);
        } finally {
            System.setOut(previous);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private static double field(String text, String name) {
        Matcher m = Pattern.compile(name + "=([0-9.]+)").matcher(text);
        assertTrue(m.find(), name + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aSavedModelIsEvaluatedFromItsDirectoryAloneWithAPerClassReport(@TempDir Path dir) throws Exception {
        Run train = ignis("train", "--data", SUBSET, "--epochs", "5", "--steps-per-round", "10", "--output",
                dir.toString());
        assertEquals(0, train.status(), train.err() + train.out());
        String model = dir.resolve("model").toString();
        assertTrue(Files.size(dir.resolve("model").resolve(ModelDirectory.WEIGHTS)) > 1_000_000, "the CNN's weights");

        Run eval = ignis("evaluate", "--model", model, "--data", SUBSET);
        assertEquals(0, eval.status(), eval.err() + eval.out());
        double accuracy = field(eval.out(), "test_acc");
        assertEquals(field(train.out(), "test_acc"), accuracy, 1e-4, "evaluate agrees with train's own test accuracy");
        assertTrue(accuracy >= 0.80, "accuracy " + accuracy + " on the subset after 5 epochs:\n" + eval.out());
        for (String name : FashionMnist.CLASSES) {
            assertTrue(eval.out().contains(name + " "), name + " in the report:\n" + eval.out());
        }
        List<String> matrix = eval.out().lines().dropWhile(l -> !l.startsWith("confusion matrix")).skip(1).limit(10)
                .toList();
        long total = matrix.stream().flatMap(l -> java.util.Arrays.stream(l.trim().split("\\s+")))
                .mapToLong(Long::parseLong).sum();
        assertEquals(1000, total, "the confusion matrix counts every test image once:\n" + eval.out());
    }

    /**
     * The README's first two commands as a user on a fresh clone without Debian's Fashion-MNIST runs
     * them: {@code bin/ignis train} (the bundled subset: 5 epochs averaging every 10 steps, into
     * runs/train) then {@code bin/ignis evaluate} with no options, at 0.80 or better.
     */
    @Test
    void trainThenEvaluateWithBinIgnisDefaultsOnTheSubset(@TempDir Path dir) {
        java.util.Map<String, String> set = java.util.Map.of("ignis.train.data", SUBSET, "ignis.train.output",
                dir.resolve("runs/train").toString(), "ignis.model", dir.resolve("runs/train/model").toString());
        java.util.Map<String, String> before = new java.util.HashMap<>();
        for (String key : List.of("ignis.train.data", "ignis.train.output", "ignis.model", "ignis.train.epochs",
                "ignis.train.steps-per-round")) {
            before.put(key, System.getProperty(key));
            System.clearProperty(key);
        }
        set.forEach(System::setProperty);
        try {
            Run train = ignis("train");
            assertEquals(0, train.status(), train.err() + train.out());
            assertTrue(train.out().contains("ignis train model=cnn format=idx epochs=5 "), train.out());
            Run eval = ignis("evaluate", "--data", SUBSET);
            assertEquals(0, eval.status(), eval.err() + eval.out());
            assertTrue(field(eval.out(), "test_acc") >= 0.80, eval.out());
        } finally {
            before.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    @Test
    void aDirectoryWithoutTheArchitectureIsNamed(@TempDir Path dir) throws Exception {
        dev.ignis.nn.Safetensors.save(FashionModels.create("mlp").stateDict(),
                dir.resolve(ModelDirectory.WEIGHTS).toString());
        Run eval = ignis("evaluate", "--model", dir.toString(), "--data", SUBSET);
        assertEquals(CliErrors.USER_ERROR, eval.status(), eval.err());
        assertTrue(eval.err().contains("--model " + dir + ": ") && eval.err().contains(ModelDirectory.DESCRIPTION),
                eval.err());
    }

    /**
     * {@code ignis predict} on PNG files written from the subset's test images gives, per image, the
     * class the saved network gives those images as IDX tensors, with the same probability.
     */
    @Test
    void predictClassifiesPngFilesAsTheNetworkDoesTheSameImages(@TempDir Path dir) throws Exception {
        Run train = ignis("train", "--data", SUBSET, "--model", "mlp", "--output", dir.toString());
        assertEquals(0, train.status(), train.err() + train.out());
        String model = dir.resolve("model").toString();
        SavedModel saved = SavedModel.read(model, true, null, "--model");
        int n = 12;
        Path pngs = Files.createDirectories(dir.resolve("pngs"));
        float[] x = FashionMnist.load(SUBSET, 0f, 1f).testX().narrow(0, 0, n).toFloatArray();
        for (int i = 0; i < n; i++) {
            writePng(x, i, pngs.resolve(String.format("img%02d.png", i)));
        }
        FashionMnist normalised = FashionMnist.load(SUBSET, (float) saved.mean()[0], (float) saved.std()[0]);
        Tensor probabilities;
        try (var ignored = dev.ignis.autograd.GradMode.noGrad()) {
            probabilities = saved.model().call(normalised.testX().narrow(0, 0, n)).softmax(1);
        }
        long[] expected = probabilities.argmax(1, false).toLongArray();
        double[] p = probabilities.toDoubleArray();

        Run predict = ignis("predict", "--model", model, pngs.toString());
        assertEquals(0, predict.status(), predict.err());
        List<String> lines = predict.out().lines().toList();
        assertEquals(n, lines.size(), predict.out());
        for (int i = 0; i < n; i++) {
            String[] cols = lines.get(i).split("\t");
            assertTrue(cols[0].endsWith(String.format("img%02d.png", i)), lines.get(i));
            String name = saved.classes().get((int) expected[i]);
            assertTrue(cols[1].startsWith(name + " "), "image " + i + ": " + lines.get(i) + ", expected " + name);
            double shown = Double.parseDouble(cols[1].substring(name.length() + 1));
            assertEquals(p[i * 10 + (int) expected[i]], shown, 1e-3, lines.get(i));
        }
        Run missing = ignis("predict", "--model", model, dir.resolve("nope.png").toString());
        assertEquals(CliErrors.USER_ERROR, missing.status());
        assertTrue(missing.err().contains("IMAGE " + dir.resolve("nope.png") + ": no such file or folder"),
                missing.err());
    }

    /** Image {@code i} of {@code x} (28x28 values in [0, 1], from bytes / 255) as an 8-bit grayscale PNG. */
    private static void writePng(float[] x, int i, Path file) throws java.io.IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 784; p++) {
            image.getRaster().setSample(p % 28, p / 28, 0, Math.round(x[i * 784 + p] * 255f));
        }
        javax.imageio.ImageIO.write(image, "png", file.toFile());
    }

    /**
     * The subset's 1,000 test images written as an image folder (class0 ... class9, PNG, lossless)
     * evaluate as the IDX files do: the same accuracy and loss; folders that cannot be the model's
     * classes are refused, naming both lists.
     */
    @Test
    void anImageFolderOfTheTestImagesEvaluatesAsTheIdxFiles(@TempDir Path dir) throws Exception {
        Run train = ignis("train", "--data", SUBSET, "--model", "mlp", "--output", dir.toString());
        assertEquals(0, train.status(), train.err() + train.out());
        String model = dir.resolve("model").toString();
        FashionMnist subset = FashionMnist.load(SUBSET, 0f, 1f);
        float[] x = subset.testX().toFloatArray();
        long[] y = subset.testY().toLongArray();
        Path folder = dir.resolve("test-images");
        for (int i = 0; i < y.length; i++) {
            Path classDir = Files.createDirectories(folder.resolve("class" + y[i]));
            writePng(x, i, classDir.resolve(String.format("%04d.png", i)));
        }
        Run idx = ignis("evaluate", "--model", model, "--data", SUBSET);
        Run images = ignis("evaluate", "--model", model, "--format", "image-folder", "--data", folder.toString());
        assertEquals(0, images.status(), images.err() + images.out());
        assertEquals(field(idx.out(), "test_acc"), field(images.out(), "test_acc"), 1e-9, images.out());
        assertEquals(field(idx.out(), "test_loss"), field(images.out(), "test_loss"), 1e-4, images.out());
        assertTrue(images.out().contains("samples=1000"), images.out());
        assertTrue(images.out().contains("class0 = T-shirt/top, class1 = Trouser"), images.out());

        Path three = dir.resolve("three");
        for (String name : List.of("a", "b", "c")) {
            writePng(x, 0, Files.createDirectories(three.resolve(name)).resolve("0.png"));
        }
        Run refused = ignis("evaluate", "--model", model, "--format", "image-folder", "--data", three.toString());
        assertEquals(CliErrors.USER_ERROR, refused.status(), refused.out());
        assertTrue(refused.err().contains("--data " + three + ": its class folders [a, b, c] are neither the model's"
                + " classes [T-shirt/top, "), refused.err());
    }
}
