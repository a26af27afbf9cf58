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
import org.junit.jupiter.api.io.TempDir;

/**
 * The shells users drive Spark from: the Scala 2.13 REPL (scala-compiler from Maven, Spark and
 * Ignis on its class path — what spark-shell is) and jshell each run the example script of
 * examples/scala or examples/jshell, which fits an IgnisClassifier on a DataFrame, scores it and
 * prints the accuracy and the model's summary; the output is checked.
 *
 * <p>Each JVM gets a bounded heap (the model is tiny) and writes any crash report under
 * {@code target/}. Once in CI (2026-12-05) jshell's execution engine died in the first training
 * round ("State engine terminated.", no accuracy) and the cause was not kept; it has not recurred
 * in 15 local runs, 5 of them under extra CPU load. A run whose engine dies is therefore retried
 * once, after the first attempt's output tail and any crash report are printed to the test log,
 * so that the next occurrence says why; a second death, or any other failure, fails the test.
 * Once in CI (2026-12-06) the Scala REPL's JVM ended the same way, silently in its first round
 * (no error logged, no crash report), and passed in the next five runs: each shell's output now
 * ends with its process's exit status, which tells a JVM that exited on its own from one killed.
 */
class ShellsTest {
    private static final Pattern ACCURACY = Pattern.compile("ignis-(scala|jshell) accuracy=([0-9.]+)");
    /** What jshell prints when the JVM running the snippets exits under it. */
    private static final String ENGINE_DIED = "State engine terminated";
    private static final Path CRASH_REPORTS = Path.of("target", "shell-crashes").toAbsolutePath();

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

    /**
     * Runs {@code command} in {@code dir} (null: this JVM's directory) with {@code stdin} as its input;
     * returns its output (stdout and stderr) and a last line with its exit status.
     */
    private static String run(List<String> command, File stdin, Path dir) throws Exception {
        Files.createDirectories(CRASH_REPORTS);
        Path out = Files.createTempFile("ignis-shell", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (stdin != null) {
            pb.redirectInput(stdin);
        }
        Process p = pb.start();
        boolean ended = p.waitFor(240, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        // the status tells a JVM that exited on its own (Spark's 50/52 for a fatal error in a task,
        // a native library's exit(1)) from one killed by a signal (128 + n)
        return text + (ended ? "\n[process exited with status " + p.exitValue() + "]"
                : "\n[process killed after 240 s]");
    }

    private static void checkOutput(String shell, String output) {
        Matcher m = ACCURACY.matcher(output);
        assertTrue(m.find(), () -> shell + " printed no accuracy; its output ends:\n" + tail(output) + "\n"
                + crashReportsOrWhy());
        assertEquals(shell, m.group(1));
        assertTrue(Double.parseDouble(m.group(2)) > 0.9, shell + " accuracy " + m.group(2));
        assertTrue(output.contains("Total params: 99 (trainable 99)"), "the model's summary:\n" + tail(output));
        assertTrue(output.contains("-> 'rawPrediction', 'probability', 'prediction'"), tail(output));
    }

    /** The first lines of each JVM crash report written so far, for a failure's message. */
    private static String crashReports() throws IOException {
        if (!Files.isDirectory(CRASH_REPORTS)) {
            return "no JVM crash report";
        }
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(CRASH_REPORTS)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                text.append("== ").append(f).append('\n')
                        .append(String.join("\n", lines.subList(0, Math.min(40, lines.size())))).append('\n');
            }
        }
        return text.length() == 0 ? "no JVM crash report" : text.toString();
    }

    private static String crashReportsOrWhy() {
        try {
            return crashReports();
        } catch (IOException e) {
            return "crash reports unreadable: " + e;
        }
    }

    private static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 3000));
    }

    /** The script writes runs/pipeline where it runs, as a user's spark-shell session would. */
    @Test
    void theScalaReplFitsScoresSavesAndReloadsAPipeline(@TempDir Path dir) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaHome() + "/bin/java"));
        command.addAll(sparkFlags());
        command.addAll(List.of("-Xmx1g", "-XX:ErrorFile=" + CRASH_REPORTS.resolve("scala-hs_err_%p.log")));
        command.addAll(List.of("-cp", classPath(), "scala.tools.nsc.MainGenericRunner", "-usejavacp"));
        String output = run(command, new File("scala/ignis-pipeline.scala"), dir);
        checkOutput("scala", output);
        assertTrue(output.contains("ignis-scala reloaded predictions equal: true"), tail(output));
    }

    @Test
    void theReadmeShowsTheScalaScriptsPipeline() throws IOException {
        List<String> pieces = DocSnippets.marked(DocSnippets.ROOT.resolve("examples/scala/ignis-pipeline.scala"),
                "readme");
        assertEquals(1, pieces.size());
        DocSnippets.assertShown("README.md", "scala", pieces.get(0));
    }

    @Test
    void jshellFitsAndScoresAnIgnisClassifier() throws Exception {
        File jshell = new File(javaHome(), "bin/jshell");
        assumeTrue(jshell.canExecute(), "this Java runtime has no jshell (" + jshell + ")");
        List<String> command = new ArrayList<>(List.of(jshell.getPath(), "--class-path", classPath()));
        command.addAll(List.of("-J-Xmx512m", "-R-Xmx1g",
                "-R-XX:ErrorFile=" + CRASH_REPORTS.resolve("jshell-hs_err_%p.log")));
        for (String flag : sparkFlags()) {
            command.add("-R" + flag);
        }
        command.add("jshell/ignis-pipeline.jsh");
        String output = run(command, null, null);
        if (!ACCURACY.matcher(output).find() && output.contains(ENGINE_DIED)) {
            System.err.println("jshell's execution engine died; retrying once. Its output ended:\n" + tail(output)
                    + "\n" + crashReports());
            output = run(command, null, null);
        }
        checkOutput("jshell", output);
    }
}
