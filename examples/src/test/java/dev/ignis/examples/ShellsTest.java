package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shells users drive Spark from: the Scala 2.13 REPL (scala-compiler from Maven, Spark and
 * Ignis on its class path — what spark-shell is) and jshell each run the example script of
 * examples/scala or examples/jshell, which fits an IgnisClassifier on a DataFrame, scores it and
 * prints the accuracy and the model's summary; the output is checked.
 */
class ShellsTest {
    private static final Pattern ACCURACY = Pattern.compile("ignis-(scala|jshell) accuracy=([0-9.]+)");

    private static String classPath() throws IOException {
        return Files.readString(Path.of("target", "test-classpath.txt")).trim();
    }

    private static List<String> sparkFlags() {
        return Arrays.stream(System.getProperty("ignis.spark.jvm.flags", "").trim().split("\\s+"))
                .filter(f -> !f.isEmpty()).toList();
    }

    private static String javaHome() {
        return System.getProperty("java.home");
    }

    /** Runs {@code command} with {@code stdin} as its input; returns its output (stdout and stderr). */
    private static String run(List<String> command, File stdin) throws Exception {
        Path out = Files.createTempFile("ignis-shell", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        if (stdin != null) {
            pb.redirectInput(stdin);
        }
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return text;
    }

    private static void checkOutput(String shell, String output) {
        Matcher m = ACCURACY.matcher(output);
        assertTrue(m.find(), shell + " printed no accuracy; its output ends:\n" + tail(output));
        assertEquals(shell, m.group(1));
        assertTrue(Double.parseDouble(m.group(2)) > 0.9, shell + " accuracy " + m.group(2));
        assertTrue(output.contains("Total params: 99 (trainable 99)"), "the model's summary:\n" + tail(output));
        assertTrue(output.contains("-> 'rawPrediction', 'probability', 'prediction'"), tail(output));
    }

    private static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 3000));
    }

    @Test
    void theScalaReplFitsAndScoresAnIgnisClassifier() throws Exception {
        List<String> command = new ArrayList<>(List.of(javaHome() + "/bin/java"));
        command.addAll(sparkFlags());
        command.addAll(List.of("-cp", classPath(), "scala.tools.nsc.MainGenericRunner", "-usejavacp"));
        checkOutput("scala", run(command, new File("scala/ignis-pipeline.scala")));
    }

    @Test
    void jshellFitsAndScoresAnIgnisClassifier() throws Exception {
        File jshell = new File(javaHome(), "bin/jshell");
        assumeTrue(jshell.canExecute(), "this Java runtime has no jshell (" + jshell + ")");
        List<String> command = new ArrayList<>(List.of(jshell.getPath(), "--class-path", classPath()));
        for (String flag : sparkFlags()) {
            command.add("-R" + flag);
        }
        command.add("jshell/ignis-pipeline.jsh");
        checkOutput("jshell", run(command, null));
    }
}
