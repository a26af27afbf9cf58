package dev.ignis.backend.cpu;

import java.util.Arrays;

/**
 * GEMM entry point of the CPU backend: {@code C = op(A)·op(B)} in row-major layout, C
 * overwritten. Float32 goes to OpenBLAS when it loaded, else to the pure-Java kernel; float64
 * (gradient checks) uses a plain reference loop.
 */
public final class CpuGemm {
    private CpuGemm() {
    }

    /** Which float32 GEMM runs, and why. */
    public static String implementation() {
        return NativeBlas.available() ? NativeBlas.status() : "pure Java (" + NativeBlas.status() + ")";
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean forceJava) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        if (NativeBlas.available() && !forceJava) {
            NativeBlas.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            JavaGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    static void dgemm(boolean transA, boolean transB, int m, int n, int k,
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
