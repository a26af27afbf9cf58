package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ignis.backend.cpu.gemm.NativeBlas;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import dev.ludovic.netlib.blas.BLAS;
import org.junit.jupiter.api.Test;

/**
 * Spark ML's BLAS (dev.ludovic.netlib, native through the system's libblas.so.3 where one is
 * installed) and Ignis' OpenBLAS in one JVM, as on every executor that runs both: the system's
 * libblas.so.3 once bound to bytedeco's libopenblas.so.0 by soname and crashed the JVM in
 * {@code dspr_} (Spark's LinearRegression). This runs Ignis' GEMM first, then netlib's dspr.
 */
class SparkMlBlasTest {

    @Test
    void netlibsNativeBlasRunsBesideIgnisOpenBlas() {
        Tensor a = Tensor.randn(new Generator(1), 64, 64);
        a.matmul(a).sum().item();   // loads Ignis' BLAS (bytedeco's, and the system's where installed)
        System.out.println("Ignis: " + NativeBlas.status() + "; Spark ML: " + BLAS.getInstance().getClass().getName());

        // A += alpha · x · xᵀ on the packed upper triangle of a 3×3 matrix
        double[] x = {1, 2, 3};
        double[] packed = new double[6];
        BLAS.getInstance().dspr("U", 3, 2.0, x, 1, packed);
        assertArrayEquals(new double[] {2, 4, 8, 6, 12, 18}, packed, 0);
    }
}
