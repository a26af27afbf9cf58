package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docs/spark.md's scaling table is what {@code bench/round-time.py --gbits 1 10} prints: the command
 * is run and its output must appear on that page verbatim, so neither drifts from the other.
 */
class RoundTimeModelTest {
    @Test
    void theSparkPageShowsWhatTheRoundTimeModelPrints() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(new File("/usr/bin/python3").canExecute() || new File("/usr/local/bin/python3").canExecute(),
                "bench/round-time.py needs python3 (standard library only), not found on this machine");
        Process p = new ProcessBuilder("python3", "bench/round-time.py", "--gbits", "1", "10").directory(root.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String page = Files.readString(root.resolve("docs/spark.md"));
        assertTrue(page.contains("$ bench/round-time.py --gbits 1 10\n" + out),
                "docs/spark.md's scaling table differs from what the command prints now:\n" + out);
    }
}
