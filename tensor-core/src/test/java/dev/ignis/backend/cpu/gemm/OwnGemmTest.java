package dev.ignis.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ignis' own AVX2/FMA GEMM ({@code ignis_gemm.c}, behind {@link CriticalBlas#sgemm}) against its
 * definition: each element of C is one chain of fused multiply-adds over k in increasing order,
 * starting from zero, which Java's {@code Math.fma} reproduces bit for bit. The shapes cover all
 * four layouts, fewer rows than a 6-row block and fewer columns than a 16-column sliver, last
 * blocks that overlap the one before, the transposed copy's padding (m not a multiple of 8 or 16),
 * offsets inside larger arrays and padded leading dimensions (whose gaps must stay untouched).
 */
class OwnGemmTest {
    private static final float SENTINEL = -7f;

    @BeforeEach
    void ownKernelRuns() {
        assumeTrue(CriticalBlas.available(), "bridge not loaded: " + CriticalBlas.status());
        assumeTrue(CriticalBlas.ownGemmSupported(), "this CPU has no AVX2 and FMA: GEMMs stay on OpenBLAS");
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @CsvSource({
        "1, 1, 1, false, false",
        "5, 7, 3, false, false",
        "6, 16, 1, true, false",
        "7, 17, 9, false, false",
        "13, 33, 40, true, false",
        "13, 33, 40, false, true",
        "21, 6, 17, false, true",
        "3, 5, 2, false, true",
        "13, 33, 40, true, true",
        "40, 5, 3, true, true",
        "64, 256, 784, false, true",
        "256, 784, 64, true, false",
        "64, 256, 128, false, false",
        "64, 10, 128, false, true",
        "64, 128, 10, false, false",
        "10, 128, 64, true, false"})
    void everyElementIsOneFmaChainOverK(int m, int n, int k, boolean transA, boolean transB) {
        Random r = new Random(m * 7919L + n * 31L + k);
        Operands o = new Operands(r, m, n, k, transA, transB);
        assertTrue(CriticalBlas.sgemm(transA, transB, m, n, k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, o.c, o.cOff,
                o.ldc, true), "the pin failed");
        float[] want = o.fmaChains();
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(o.c[i]),
                    "C array element " + i + ": want " + want[i] + " got " + o.c[i]);
        }
    }

    @Test
    void largerProductsStayOnOpenBlas() {
        // 64 x 128 x 3136 (the CNN's fc1) is over the own kernel's 2^24 multiply-adds
        int m = 64;
        int n = 128;
        int k = 3136;
        Operands o = new Operands(new Random(5), m, n, k, false, true);
        float[] own = o.c.clone();
        assertTrue(CriticalBlas.sgemm(false, true, m, n, k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, own, o.cOff,
                o.ldc, true));
        float[] openBlas = o.c.clone();
        assertTrue(CriticalBlas.sgemm(false, true, m, n, k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, openBlas,
                o.cOff, o.ldc, false));
        assertArrayEquals(openBlas, own);
        assertTrue(!Arrays.equals(own, o.fmaChains()), "OpenBLAS blocks k, so its sums are not one chain");
    }

    @Test
    void operandCopiesStayUnderTheirCap() {
        // Gᵀ of 20000 rows would take 1.04M floats of panels: it is read in place, same chains
        Operands tall = new Operands(new Random(13), 20000, 16, 52, true, false);
        assertTrue(CriticalBlas.sgemm(true, false, 20000, 16, 52, tall.a, tall.aOff, tall.lda, tall.b, tall.bOff,
                tall.ldb, tall.c, tall.cOff, tall.ldc, true));
        assertArrayEquals(tall.fmaChains(), tall.c);
        // A·Bᵀ would copy Aᵀ (16000 × 1000 floats): OpenBLAS takes it (its sums, which block k)
        Operands wide = new Operands(new Random(17), 16000, 1, 1000, false, true);
        float[] own = wide.c.clone();
        assertTrue(CriticalBlas.sgemm(false, true, 16000, 1, 1000, wide.a, wide.aOff, wide.lda, wide.b, wide.bOff,
                wide.ldb, own, wide.cOff, wide.ldc, true));
        float[] openBlas = wide.c.clone();
        assertTrue(CriticalBlas.sgemm(false, true, 16000, 1, 1000, wide.a, wide.aOff, wide.lda, wide.b, wide.bOff,
                wide.ldb, openBlas, wide.cOff, wide.ldc, false));
        assertArrayEquals(openBlas, own);
        assertTrue(!Arrays.equals(own, wide.fmaChains()), "OpenBLAS' sums differ from the own kernel's chains");
    }

    @Test
    void theBackendsMatmulRunsIt() {
        // through CpuGemm's blocks (two threads' worth of rows) the same chains come out
        Random r = new Random(11);
        Operands o = new Operands(r, 64, 256, 784, false, true);
        float[] c = new float[o.c.length];
        Arrays.fill(c, SENTINEL);
        NativeBlas.sgemm(false, true, 64, 256, 784, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, c, o.cOff, o.ldc);
        assertArrayEquals(o.fmaChains(), c);
    }

    /** A, B and C at offsets inside larger arrays, with padded leading dimensions; C filled with the sentinel. */
    private static final class Operands {
        final int m;
        final int n;
        final int k;
        final boolean transA;
        final boolean transB;
        final int lda;
        final int ldb;
        final int ldc;
        final int aOff = 5;
        final int bOff = 3;
        final int cOff = 9;
        final float[] a;
        final float[] b;
        final float[] c;

        Operands(Random r, int m, int n, int k, boolean transA, boolean transB) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.transA = transA;
            this.transB = transB;
            lda = (transA ? m : k) + 2;
            ldb = (transB ? k : n) + 1;
            ldc = n + 3;
            a = CpuGemmTest.random(r, aOff + (transA ? k : m) * lda + 4);
            b = CpuGemmTest.random(r, bOff + (transB ? n : k) * ldb + 4);
            c = new float[cOff + m * ldc + 4];
            Arrays.fill(c, SENTINEL);
        }

        /** C as the definition gives it: fma(a(i, q), b(q, j), ·) for q = 0..k-1 from 0; gaps keep the sentinel. */
        float[] fmaChains() {
            float[] want = new float[c.length];
            Arrays.fill(want, SENTINEL);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float sum = 0f;
                    for (int q = 0; q < k; q++) {
                        float x = a[aOff + (transA ? q * lda + i : i * lda + q)];
                        float y = b[bOff + (transB ? j * ldb + q : q * ldb + j)];
                        sum = Math.fma(x, y, sum);
                    }
                    want[cOff + i * ldc + j] = sum;
                }
            }
            return want;
        }
    }
}
