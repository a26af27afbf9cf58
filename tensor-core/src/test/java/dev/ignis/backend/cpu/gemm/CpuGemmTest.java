package dev.ignis.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ignis.backend.cpu.CpuOptions;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both float32 GEMM paths against a double-precision reference, for every transpose layout. */
class CpuGemmTest {

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @CsvSource({
        "1, 1, 1, false, false",
        "7, 5, 3, false, false",
        "7, 5, 3, true, false",
        "7, 5, 3, false, true",
        "7, 5, 3, true, true",
        "1, 300, 17, false, false",
        "300, 1, 17, true, true",
        "130, 257, 513, false, false",
        "64, 64, 0, false, false"})
    void nativeAndJavaPathsMatchTheReference(int m, int n, int k, boolean transA, boolean transB) {
        Random r = new Random(m * 31L + n * 7L + k);
        int lda = (transA ? m : k) + 2;   // padded leading dimensions exercise the strides
        int ldb = (transB ? k : n) + 3;
        int ldc = n + 1;
        float[] a = random(r, (transA ? k : m) * lda);
        float[] b = random(r, (transB ? n : k) * ldb);
        double[] ad = toDouble(a);
        double[] bd = toDouble(b);
        double[] expected = new double[m * ldc];
        CpuGemm.dgemm(transA, transB, m, n, k, ad, 0, lda, bd, 0, ldb, expected, 0, ldc);
        for (CpuOptions.GemmRoute route : CpuOptions.GemmRoute.values()) {
            float[] c = new float[m * ldc];
            java.util.Arrays.fill(c, Float.NaN);   // C is overwritten, never read
            CpuGemm.sgemm(route, transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, ldc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double e = expected[i * ldc + j];
                    assertEquals(e, c[i * ldc + j], 1e-4 * Math.max(1, Math.abs(e)) * Math.sqrt(k + 1),
                            route + " route at (" + i + ", " + j + ")");
                }
            }
        }
    }

    /** n standard-normal floats (CriticalBlasTest draws its operands here too). */
    static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
