package dev.ignis.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.cpu.CpuOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which OpenBLAS the in-place bridge binds ({@code -Dignis.blas.library}): the system's where it is
 * installed, bytedeco's when asked for or when a named library does not load. The choice is made
 * once per JVM, so the non-default choices run in a child JVM that prints
 * {@link CpuGemm#implementation()}.
 */
class BlasLibraryChoiceTest {
    private static final Path SYSTEM_OPENBLAS = Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0");

    @Test
    void bindsTheSystemOpenBlasWhereItIsInstalled() {
        assumeBridge();
        assumeTrue(System.getProperty("ignis.blas.library") == null, "ignis.blas.library is set for this JVM");
        if (Files.isReadable(SYSTEM_OPENBLAS)) {
            assertTrue(CriticalBlas.status().endsWith(" from " + SYSTEM_OPENBLAS), CriticalBlas.status());
        } else {
            assertTrue(CriticalBlas.status().endsWith(" (bytedeco)"), CriticalBlas.status());
        }
    }

    @Test
    void bundledBindsBytedecosOpenBlas() throws Exception {
        assumeBridge();
        String implementation = implementationWith("bundled");
        assertTrue(implementation.matches(
                ".*operands read in place by (Ignis' AVX2 kernel \\(small products\\), else )?OpenBLAS [0-9.]+ \\(bytedeco\\)"),
                implementation);
    }

    @Test
    void aLibraryThatDoesNotLoadFallsBackToBytedecoAndSaysSo() throws Exception {
        assumeBridge();
        String implementation = implementationWith("/nonexistent/libopenblas.so.0");
        assertTrue(implementation.endsWith("(bytedeco); /nonexistent/libopenblas.so.0 did not load"), implementation);
    }

    private static void assumeBridge() {
        assumeTrue(CriticalBlas.available(), "bridge not loaded: " + CriticalBlas.status());
    }

    /** {@link CpuGemm#implementation()} in a fresh JVM started with -Dignis.blas.library=choice. */
    private static String implementationWith(String choice) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ignis-blas-choice", ".txt");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dignis.blas.library=" + choice,
                    PrintImplementation.class.getName()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), printed);
            String[] lines = printed.strip().split("\n");
            return lines[lines.length - 1];
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The child JVM's main: prints which GEMM runs. */
    static final class PrintImplementation {
        public static void main(String[] args) {
            System.out.println(CpuGemm.implementation(CpuOptions.fromSystemProperties().gemm()));
        }
    }
}
