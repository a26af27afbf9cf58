package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ignis.backend.IntraOpPool;
import org.junit.jupiter.api.Test;

/** Sums over leading dims (bias gradients) are column sums of x where it lies. */
class SumOverLeadingDimsTest {

    /** Σ over the first {@code lead} dims of a contiguous float array, in double, row by row. */
    private static float[] reference(float[] x, int rows, int cols) {
        float[] out = new float[cols];
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[r * cols + j];
            }
            out[j] = (float) s;
        }
        return out;
    }

    @Test
    void sumOverTheBatchMatchesAColumnByColumnDoubleSum() {
        Tensor x = Tensor.randn(new Generator(5), 64, 256);
        Tensor s = x.sum(new int[] {0}, false);
        assertArrayEquals(new int[] {256}, s.shape());
        assertArrayEquals(reference(x.toFloatArray(), 64, 256), s.toFloatArray());
    }

    @Test
    void severalLeadingDimsKeepTheirShapeWithKeepdim() {
        Tensor x = Tensor.randn(new Generator(6), 3, 5, 7, 2);
        Tensor s = x.sum(new int[] {0, 1}, true);
        assertArrayEquals(new int[] {1, 1, 7, 2}, s.shape());
        assertArrayEquals(reference(x.toFloatArray(), 15, 14), s.toFloatArray());
    }

    @Test
    void aNonContiguousInputTakesTheGeneralPathWithTheSameResult() {
        Tensor x = Tensor.randn(new Generator(7), 40, 30);
        Tensor t = x.t().contiguous().t();   // same values, column-major
        assertArrayEquals(x.sum(new int[] {0}, false).toFloatArray(), t.sum(new int[] {0}, false).toFloatArray(), 1e-5f);
    }

    @Test
    void theResultDoesNotDependOnTheThreadCount() {
        Tensor x = Tensor.randn(new Generator(8), 512, 1000);
        int before = IntraOpPool.threads();
        try {
            IntraOpPool.setThreads(1);
            float[] one = x.sum(new int[] {0}, false).toFloatArray();
            IntraOpPool.setThreads(4);
            float[] four = x.sum(new int[] {0}, false).toFloatArray();
            assertArrayEquals(one, four);
        } finally {
            IntraOpPool.setThreads(before);
        }
    }

    @Test
    void theGradientStillFlowsBackToEveryElement() {
        Tensor x = Tensor.randn(new Generator(9), 4, 3).requiresGrad(true);
        x.sum(new int[] {0}, false).sum().backward();
        for (float g : x.grad().toFloatArray()) {
            assertEquals(1f, g);
        }
    }
}
