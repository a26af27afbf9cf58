package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ignis.nn.ModelDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command README.md shows runs as written, in the README's order, as a user on a fresh clone
 * runs them: the lines of its {@code bash} blocks, the {@code $ } lines of its transcripts and the
 * inline code that starts like a command ({@code bin/ignis}, {@code bench/}, {@code mvn},
 * {@code spark-submit}). Each must have an expectation below, so a command added to the README
 * without one fails here. {@code bin/ignis} runs in a view of this checkout whose {@code runs/} is
 * the test's own (so a user's trained model is not overwritten); {@code spark-submit} runs on a
 * standalone cluster started by {@code bench/standalone-submit.sh run}, with the README's
 * {@code spark://host:7077} and {@code hdfs:///} pointing at that cluster and at a MiniDFSCluster
 * holding the Fashion-MNIST subset. The Maven commands are this build itself and are not run again
 * from inside it: {@code mvn -B verify} must be what {@code .ci/run} runs, and the artifacts of
 * {@code mvn package} / {@code mvn install} (the jars and their javadoc jars) must be here.
 */
class ReadmeCommandsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern INLINE = Pattern.compile("`((?:bin/ignis|bench/|mvn|spark-submit) [^`]*)`");
    private static final String CLUSTER_JAR = "spark-connector/target/ignis-spark-connector-0.1.0-SNAPSHOT-all.jar";

    private record Run(int status, String out) {
    }

    /** The README's commands in order of first appearance, continuation lines joined. */
    static List<String> commands(String readme) {
        Set<String> found = new LinkedHashSet<>();
        Matcher block = FENCE.matcher(readme);
        int last = 0;
        while (block.find()) {
            inline(readme.substring(last, block.start()), found);
            last = block.end();
            String body = block.group(2).replace("\\\n", " ");
            for (String line : body.split("\n")) {
                if (block.group(1).equals("bash") && !line.isBlank()) {
                    found.add(line.replaceAll("\\s+#.*$", "").replaceAll("\\s+", " ").trim());
                } else if (line.startsWith("$ ")) {
                    found.add(line.substring(2).trim());
                }
            }
        }
        inline(readme.substring(last), found);
        return new ArrayList<>(found);
    }

    private static void inline(String prose, Set<String> found) {
        Matcher m = INLINE.matcher(prose.replace("\n", " "));
        while (m.find()) {
            found.add(m.group(1).replaceAll("\\s+", " ").trim());
        }
    }

    private static double field(String text, String name) {
        Matcher m = Pattern.compile(name + "=([0-9.]+)").matcher(text);
        assertTrue(m.find(), name + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    /** A checkout as a user has it: every top-level entry of this one linked, except runs/ and target/. */
    private static Path checkoutView(Path dir) throws IOException {
        try (var entries = Files.list(ROOT)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals("runs") && !name.equals("target")) {
                    Files.createSymbolicLink(dir.resolve(name), entry);
                }
            }
        }
        return dir;
    }

    private static Run bash(Path dir, String command, int minutes) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(command + ": still running after " + minutes + " minutes");
        }
        return new Run(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandOfTheReadmeRunsAsWritten(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.exists(ROOT.resolve(CLUSTER_JAR)) && Files.isDirectory(
                ROOT.resolve("examples/target/lib")), "the cluster jar and examples/target/lib are built by `mvn"
                + " package`: run within `mvn verify`");
        List<String> commands = commands(Files.readString(ROOT.resolve("README.md")));
        Path view = checkoutView(Files.createDirectories(dir.resolve("checkout")));
        Map<String, Double> results = new LinkedHashMap<>();

        Map<String, Consumer<Run>> expected = new LinkedHashMap<>();
        expected.put("bin/ignis train", run -> {
            results.put("train", field(run.out(), "test_acc"));
            assertTrue(results.get("train") >= 0.80, "the main job's test accuracy:\n" + run.out());
            assertTrue(Files.isRegularFile(view.resolve("runs/train/model").resolve(ModelDirectory.WEIGHTS)));
        });
        expected.put("bin/ignis evaluate", run -> {
            assertEquals(results.get("train"), field(run.out(), "test_acc"), 1e-4, run.out());
            assertTrue(run.out().contains("confusion matrix"), run.out());
        });
        expected.put("bin/ignis predict data/fashion-mnist-samples/*.png", run -> {
            List<String> lines = run.out().lines().filter(l -> l.startsWith("data/fashion-mnist-samples/")).toList();
            assertEquals(10, lines.size(), run.out());
            long right = lines.stream().filter(l -> {
                String[] cols = l.split("\t");                                 // path, "Class p"
                String file = cols[0].substring(cols[0].lastIndexOf('/') + 1, cols[0].indexOf(".png"));
                String truth = file.substring(file.indexOf('-') + 1).replace('-', ' ');   // 0000-ankle-boot
                String predicted = cols[1].replaceAll(" [0-9.]+$", "").toLowerCase().replace('/', ' ')
                        .replace('-', ' ');
                return truth.equals(predicted);
            }).count();
            assertTrue(right >= 7, right + " of 10 sample images named after their class are recognised:\n"
                    + run.out());
        });
        expected.put("bin/ignis train --help", run -> assertTrue(run.out().contains("--data=<data>")
                && run.out().contains("--steps-per-round"), run.out()));
        expected.put("bin/ignis info", run -> assertTrue(run.out().contains("backends found:")
                && run.out().contains("using: "), run.out()));
        expected.put("bin/ignis example quickstart", run -> assertTrue(field(run.out(), "test_acc") >= 0.80,
                run.out()));

        try (Hdfs hdfs = new Hdfs(dir.resolve("hdfs"))) {
            for (String command : commands) {
                if (command.equals("mvn -B verify")) {
                    List<String> ci = Files.readAllLines(ROOT.resolve(".ci/run"));
                    assertEquals(command, ci.get(ci.size() - 1), ".ci/run ends with the README's test command");
                } else if (command.equals("mvn package") || command.equals("mvn install")) {
                    // this build's own package phase: its artifacts are here (ConsumerProjectTest installs
                    // them into a repository as `mvn install` does and builds a project against them)
                    for (String module : List.of("tensor-core", "nn", "optim", "datasets", "swa", "spark-connector")) {
                        Path javadoc = ROOT.resolve(module + "/target/ignis-" + module + "-0.1.0-SNAPSHOT-javadoc.jar");
                        assertTrue(Files.exists(javadoc), command + " builds " + javadoc);
                    }
                } else if (command.startsWith("spark-submit ")) {
                    submit(command, view, hdfs);
                } else {
                    Consumer<Run> check = expected.get(command);
                    assertTrue(check != null, "README command `" + command + "` has no expectation in this test");
                    Run run = bash(view, command, 10);
                    assertEquals(0, run.status(), command + ":\n" + run.out());
                    check.accept(run);
                    expected.remove(command);
                }
            }
        }
        assertTrue(expected.isEmpty(), "commands this test expects that the README no longer shows: "
                + expected.keySet());
    }

    /**
     * The README's spark-submit line on a standalone cluster, reading the Fashion-MNIST subset from
     * HDFS where the README says {@code hdfs:///datasets/fashion-mnist}, writing the model to HDFS.
     */
    private static void submit(String command, Path view, Hdfs hdfs) throws Exception {
        assertTrue(command.contains("spark://host:7077") && command.contains(CLUSTER_JAR), command);
        FileSystem fs = hdfs.cluster.getFileSystem();
        try (var files = Files.list(ROOT.resolve("data/fashion-mnist-subset"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".gz")).toList()) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()),
                        new org.apache.hadoop.fs.Path("/datasets/fashion-mnist/" + f.getFileName()));
            }
        }
        String uri = fs.getUri().toString();
        String here = command.replace("spark://host:7077", "\"$SPARK_MASTER\"").replace("hdfs:///", uri + "/");
        Run run = bash(view, "bench/standalone-submit.sh run '" + here.replace("'", "'\\''") + "'", 6);
        assertEquals(0, run.status(), here + ":\n" + run.out());
        assertTrue(field(run.out(), "test_acc") > 0.6, run.out());
        ModelDirectory.Loaded model = ModelDirectory.load(uri + "/runs/fashion/model", fs.getConf());
        assertEquals(10, model.metadata().path("classes").size(), model.metadata().toString());
    }

    /** An in-process HDFS for the README's hdfs:/// paths. */
    private static final class Hdfs implements AutoCloseable {
        final MiniDFSCluster cluster;

        Hdfs(Path base) throws IOException {
            Configuration conf = new Configuration();
            conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
            cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
            cluster.waitActive();
        }

        @Override
        public void close() {
            cluster.shutdown();
        }
    }
}
