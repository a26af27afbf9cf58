package dev.ignis.backend.cpu.gemm;

import dev.ignis.backend.IntraOpPool;

/**
 * Pure-Java float32 GEMM, {@code C = op(A)·op(B)} (row-major, C overwritten). Always available;
 * the native path ({@link NativeBlas}) replaces it where OpenBLAS loads.
 *
 * <p>Speed comes from cache blocking (256-column panels of C, 256-deep slices of K so the B block
 * stays in L2), four C rows updated per pass over a B row (each B load feeds four FMAs), inner
 * loops over contiguous columns that HotSpot's superword pass vectorises, and row blocks spread
 * over the intra-op pool. Transposed operands are packed once into row-major copies.
 */
public final class JavaGemm {
    private static final int NB = 256;
    private static final int KB = 256;

    private JavaGemm() {
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (transA) {
            a = transposeCopy(a, aOff, lda, k, m);
            aOff = 0;
            lda = k;
        }
        if (transB) {
            b = transposeCopy(b, bOff, ldb, n, k);
            bOff = 0;
            ldb = n;
        }
        final float[] fa = a;
        final float[] fb = b;
        final int fao = aOff;
        final int flda = lda;
        final int fbo = bOff;
        final int fldb = ldb;
        int grain = Math.max(4, (1 << 18) / Math.max(1, n * Math.max(k, 1)));
        IntraOpPool.parallelFor(m, grain, (i0, i1) -> block(i0, i1, n, k, fa, fao, flda, fb, fbo, fldb, c, cOff, ldc));
    }

    private static void block(int i0, int i1, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int i = i0; i < i1; i++) {
            java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        for (int jb = 0; jb < n; jb += NB) {
            int je = Math.min(n, jb + NB);
            for (int kb = 0; kb < k; kb += KB) {
                int ke = Math.min(k, kb + KB);
                int i = i0;
                for (; i + 3 < i1; i += 4) {
                    int c0 = cOff + i * ldc;
                    int c1 = c0 + ldc;
                    int c2 = c1 + ldc;
                    int c3 = c2 + ldc;
                    for (int p = kb; p < ke; p++) {
                        float a0 = a[aOff + i * lda + p];
                        float a1 = a[aOff + (i + 1) * lda + p];
                        float a2 = a[aOff + (i + 2) * lda + p];
                        float a3 = a[aOff + (i + 3) * lda + p];
                        int br = bOff + p * ldb;
                        for (int j = jb; j < je; j++) {
                            float bv = b[br + j];
                            c[c0 + j] += a0 * bv;
                            c[c1 + j] += a1 * bv;
                            c[c2 + j] += a2 * bv;
                            c[c3 + j] += a3 * bv;
                        }
                    }
                }
                for (; i < i1; i++) {
                    int c0 = cOff + i * ldc;
                    for (int p = kb; p < ke; p++) {
                        float a0 = a[aOff + i * lda + p];
                        int br = bOff + p * ldb;
                        for (int j = jb; j < je; j++) {
                            c[c0 + j] += a0 * b[br + j];
                        }
                    }
                }
            }
        }
    }

    /** Row-major copy of the transpose of a {@code rows × cols} matrix stored with stride ld. */
    private static float[] transposeCopy(float[] x, int off, int ld, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = x[off + r * ld + col];
            }
        }
        return t;
    }
}
