package dev.ignis.backend.cpu.gemm;

import dev.ignis.backend.cpu.CpuOptions.GemmRoute;
import dev.ignis.backend.cpu.Fallbacks;
import java.util.Arrays;

/**
 * The one GEMM chooser of the CPU backend: {@code C = op(A)·op(B)} in row-major layout, C
 * overwritten, by the route a backend's options name ({@link GemmRoute}). A route whose library
 * did not load falls back to the next available one, logged once. Float64 (gradient checks)
 * uses a plain reference loop.
 */
public final class CpuGemm {
    private CpuGemm() {
    }

    /** Which float32 GEMM runs by {@code route}, and why. */
    public static String implementation(GemmRoute route) {
        if (route == GemmRoute.JAVA) {
            return "pure Java (GEMM route java)";
        }
        if (!NativeBlas.available()) {
            return "pure Java (" + NativeBlas.status() + ")";
        }
        boolean inPlace = route != GemmRoute.OPENBLAS_COPIED && CriticalBlas.available();
        String operands = inPlace ? "read in place by " + CriticalBlas.status()
                : "copied off-heap (" + (CriticalBlas.available() ? "GEMM route openblas_copied" : CriticalBlas.status())
                + ")";
        String own = route == GemmRoute.OWN_KERNEL && inPlace && CriticalBlas.ownGemmSupported()
                ? "Ignis' AVX2 kernel (small products), else " : "";
        return own + NativeBlas.status() + "; operands " + operands;
    }

    public static void sgemm(GemmRoute route, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        if (route != GemmRoute.JAVA && !NativeBlas.available()) {
            Fallbacks.once("sgemm", "GEMM route " + route + " needs OpenBLAS, which did not load ("
                    + NativeBlas.status() + "): the pure-Java kernel runs");
        }
        if (route == GemmRoute.JAVA || !NativeBlas.available()) {
            JavaGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        boolean inPlace = route != GemmRoute.OPENBLAS_COPIED && CriticalBlas.available();
        NativeBlas.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, inPlace,
                route == GemmRoute.OWN_KERNEL);
    }

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }
}
