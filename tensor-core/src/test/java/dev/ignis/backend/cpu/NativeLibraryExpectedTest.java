package dev.ignis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.cpu.conv.WinogradNative;
import dev.ignis.backend.cpu.elementwise.NativeVector;
import dev.ignis.backend.cpu.gemm.CriticalBlas;
import dev.ignis.backend.cpu.gemm.NativeBlas;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where the build compiles Ignis' JNI library (Linux x86-64 with a C compiler, see tensor-core's
 * pom), a build without it, or with a part that does not load, fails here instead of every
 * native test skipping and the CPU silently running its slower paths.
 */
class NativeLibraryExpectedTest {
    private static boolean compilerOnPath() {
        try {
            Process p = new ProcessBuilder("cc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theNativeLibraryIsBuiltAndLoadsWhereACompilerIs() {
        assumeTrue(CriticalBlas.platform().equals("linux-x86_64"), "the library is built for linux-x86_64 only, this"
                + " is " + CriticalBlas.platform());
        assumeTrue(compilerOnPath(), "no C compiler ('cc') on the PATH: the build could not compile the library");
        assertNotNull(CriticalBlas.class.getResource(CriticalBlas.LIBRARY_FOLDER + "linux-x86_64/libignisblas.so"),
                "a C compiler is here, but the jar has no native/linux-x86_64/libignisblas.so");
        assertTrue(NativeBlas.available(), "OpenBLAS (Maven's) did not load: " + NativeBlas.status());
        assertTrue(CriticalBlas.available(), "the in-place GEMM bridge did not load: " + CriticalBlas.status());
        assertTrue(WinogradNative.available(), "the Winograd transforms did not load");
        if (CriticalBlas.ownGemmSupported()) {
            assertTrue(NativeVector.available(), "the native float32 loops did not load on a CPU with AVX2 and FMA");
        }
    }
}
