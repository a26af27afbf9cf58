package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#linear} (one GEMM, one node) against the composition it replaces,
 * {@code x.matmul(w.t()).add(b)}: the same kernels in the same layouts, so the output and every
 * gradient agree bit for bit, for a matrix, a transposed (strided) matrix, a contiguous 3-D input
 * whose leading dimensions fold into rows, no bias, and inputs that do not need a gradient.
 */
class LinearTest {
    private static final Generator GEN = new Generator(42);

    @Test
    void aMatrixWithBiasIsOneAddmmNodeWithTheComposedResults() {
        Case c = new Case(Tensor.randn(GEN, 6, 5), true);
        Tensor y = c.fused();
        assertEquals("AddmmBackward0", y.gradFn().name());
        c.assertSameAsComposed(y);
    }

    @Test
    void aContiguous3dInputFoldsItsLeadingDimensionsIntoRows() {
        Case c = new Case(Tensor.randn(GEN, 2, 3, 5), false);
        Tensor y = c.fused();
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        assertEquals("MmBackward0", y.gradFn().name());
        c.assertSameAsComposed(y);
    }

    @Test
    void aTransposedMatrixInputIsReadThroughItsStrides() {
        Case c = new Case(Tensor.randn(GEN, 5, 7).t(), true);
        c.assertSameAsComposed(c.fused());
    }

    @Test
    void aStrided3dInputAndAVectorTakeTheComposedPath() {
        Case strided = new Case(Tensor.randn(GEN, 5, 3, 2).permute(2, 1, 0), true);
        strided.assertSameAsComposed(strided.fused());
        Case vector = new Case(Tensor.randn(GEN, 5), true);
        Tensor y = vector.fused();
        assertArrayEquals(new int[] {4}, y.shape());
        vector.assertSameAsComposed(y);
    }

    @Test
    void onlyTheNeededGradientsAreComputed() {
        Tensor x = Tensor.randn(GEN, 3, 5);
        Tensor w = Tensor.randn(GEN, 4, 5).requiresGrad(true);
        Tensor b = Tensor.randn(GEN, 4);
        Tensor.linear(x, w, b).sum().backward();
        assertNull(x.grad());
        assertNull(b.grad());
        // d(sum)/dW[o, i] = Σ_rows x[r, i]
        float[] colSums = x.sum(0, false).toFloatArray();
        float[] gw = w.grad().toFloatArray();
        for (int o = 0; o < 4; o++) {
            for (int i = 0; i < 5; i++) {
                assertEquals(colSums[i], gw[o * 5 + i], 1e-5f, "dW[" + o + ", " + i + "]");
            }
        }
    }

    @Test
    void mismatchedShapesNameBothShapes() {
        Tensor w = Tensor.randn(GEN, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.linear(Tensor.randn(GEN, 3, 6), w, null));
        assertTrue(e.getMessage().contains("[3, 6]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.linear(Tensor.randn(GEN, 3, 5), w,
                Tensor.randn(GEN, 3)));
        assertTrue(e.getMessage().contains("bias [3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    /** An input, a [4, in] weight and optionally a bias, each with a fresh leaf copy for the composed run. */
    private static final class Case {
        final Tensor x;
        final Tensor w;
        final Tensor b;
        final Tensor x2;
        final Tensor w2;
        final Tensor b2;
        final Tensor upstream;

        Case(Tensor input, boolean bias) {
            x = input.requiresGrad(true);
            int in = input.size(-1);
            w = Tensor.randn(GEN, 4, in).requiresGrad(true);
            b = bias ? Tensor.randn(GEN, 4).requiresGrad(true) : null;
            x2 = input.detach().clone().requiresGrad(true);
            w2 = w.detach().clone().requiresGrad(true);
            b2 = bias ? b.detach().clone().requiresGrad(true) : null;
            int[] outShape = input.shape();
            outShape[outShape.length - 1] = 4;
            upstream = Tensor.randn(GEN, outShape);
        }

        Tensor fused() {
            return Tensor.linear(x, w, b);
        }

        void assertSameAsComposed(Tensor y) {
            Tensor composed = x2.matmul(w2.t());
            if (b2 != null) {
                composed = composed.add(b2);
            }
            assertArrayEquals(composed.toFloatArray(), y.toFloatArray(), "output");
            y.backward(upstream, false);
            composed.backward(upstream, false);
            assertArrayEquals(x2.grad().toFloatArray(), x.grad().toFloatArray(), "dx");
            assertArrayEquals(x2.shape(), x.grad().shape(), "dx shape");
            assertArrayEquals(w2.grad().toFloatArray(), w.grad().toFloatArray(), "dW");
            if (b2 != null) {
                assertArrayEquals(b2.grad().toFloatArray(), b.grad().toFloatArray(), "db");
            }
        }
    }
}
