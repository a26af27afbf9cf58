package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.ModelDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster jar on a real Spark standalone cluster: {@code bench/standalone-submit.sh train}
 * starts a master and a worker in their own JVMs and submits
 * {@code spark-submit --class dev.ignis.spark.TrainJob ignis-spark-connector-<v>-all.jar} with no
 * other Ignis jar (Spark's jars only on the cluster), training the bundled Fashion-MNIST subset
 * on two executors; the model it writes loads back.
 */
class StandaloneClusterSubmitTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theClusterJarAloneRunsTrainJobOnAStandaloneCluster(@TempDir Path output) throws Exception {
        Path jar = ROOT.resolve("spark-connector/target/ignis-spark-connector-0.1.0-SNAPSHOT-all.jar");
        Assumptions.assumeTrue(Files.exists(jar), jar + " is not built: run within `mvn verify` (or after `mvn package`)");
        Assumptions.assumeTrue(Files.isDirectory(ROOT.resolve("examples/target/lib")),
                "examples/target/lib (Spark's jars for the cluster) is not there: run within `mvn verify`");
        Process p = new ProcessBuilder("bash", ROOT.resolve("bench/standalone-submit.sh").toString(), "train",
                "--data", ROOT.resolve("data/fashion-mnist-subset").toString(), "--epochs", "1", "--steps-per-round",
                "10", "--output", output.toString()).directory(ROOT.toFile()).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "standalone-submit.sh timed out");
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);

        Matcher summary = Pattern.compile("ignis train model=cnn format=idx epochs=1 replicas=2 .* test_acc=([0-9.]+)")
                .matcher(out);
        assertTrue(summary.find(), out);
        assertTrue(Double.parseDouble(summary.group(1)) > 0.6, "one epoch on 4,000 images: " + summary.group());
        // the executors' own logs (their JVMs are the worker's children) report the device each task used
        Matcher devices = Pattern.compile("(\\d+) +dev\\.ignis\\.spark\\.ExecutorDevice - ignis task device: cpu")
                .matcher(out);
        assertTrue(devices.find() && Integer.parseInt(devices.group(1)) >= 2, out);
        ModelDirectory.Loaded model = ModelDirectory.load(output.resolve("model").toString(), new Configuration());
        assertEquals(10, model.metadata().path("classes").size(), model.metadata().toString());
    }
}
