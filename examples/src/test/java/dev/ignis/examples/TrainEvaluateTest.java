package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ignis train --save} then {@code ignis evaluate --model-file} on the bundled Fashion-MNIST
 * subset (4,000 training and 1,000 test images), as a user on a fresh clone runs them: the saved
 * file alone rebuilds the model, and evaluation prints the per-class report, the confusion matrix
 * and the same test accuracy that training printed.
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
            CommandLine cli = CliErrors.install(new CommandLine(new IgnisCli()));
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
    void aSavedModelIsEvaluatedFromItsFileAloneWithAPerClassReport(@TempDir Path dir) throws Exception {
        String file = dir.resolve("cnn.safetensors").toString();
        Run train = ignis("train", "--data", SUBSET, "--epochs", "5", "--save", file);
        assertEquals(0, train.status(), train.err() + train.out());
        assertTrue(Files.size(Path.of(file)) > 1_000_000, "the CNN's weights");

        Run eval = ignis("evaluate", "--model-file", file, "--data", SUBSET);
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

    @Test
    void aFileWithoutTheArchitectureIsNamed(@TempDir Path dir) throws Exception {
        String file = dir.resolve("bare.safetensors").toString();
        dev.ignis.nn.Safetensors.save(FashionModels.create("mlp").stateDict(), file);
        Run eval = ignis("evaluate", "--model-file", file, "--data", SUBSET);
        assertEquals(CliErrors.USER_ERROR, eval.status(), eval.err());
        assertTrue(eval.err().contains("--model-file " + file + ": its metadata names no model"), eval.err());
    }
}
