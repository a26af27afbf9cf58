package dev.ignis.backend.cpu.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.cpu.CpuOptions;
import dev.ignis.backend.cpu.gemm.CriticalBlas;
import dev.ignis.backend.cpu.gemm.NativeBlas;
import dev.ignis.tensor.Convolution;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which convolutions take Winograd's path, and its weight transform against its adjoint. The
 * convolution's outputs and gradients are checked against the float64 reference in
 * {@code Conv2dKernelTest}.
 */
class WinogradConvTest {
    private static final CpuOptions DEFAULTS = CpuOptions.defaults();

    private static ConvKernels.Shapes shapes(int n, int c, int h, int w, int o, int cg, int k, int stride,
                                             int dilation, int groups) {
        int oh = (h + 2 - dilation * (k - 1) - 1) / stride + 1;
        int ow = (w + 2 - dilation * (k - 1) - 1) / stride + 1;
        return new ConvKernels.Shapes(Tensor.zeros(n, c, 1, 1).expand(n, c, h, w).asView(),
                Tensor.zeros(o, cg, k, k).asView(), Tensor.zeros(1, 1, 1, 1).expand(n, o, oh, ow).asView(),
                new int[] {k, k, stride, stride, 1, 1, dilation, dilation}, groups);
    }

    @Test
    void takesUngroupedUnitStride3x3LayersWithMoreThanDirectConvsTaps() {
        assumeTrue(WinogradNative.available(), "Ignis' JNI library did not load: " + CriticalBlas.status());
        assertTrue(WinogradConv.applies(DEFAULTS, shapes(64, 32, 14, 14, 64, 32, 3, 1, 1, 1)), "Fashion CNN's second layer");
        assertFalse(WinogradConv.applies(DEFAULTS, shapes(64, 1, 28, 28, 32, 1, 3, 1, 1, 1)), "one input channel: DirectConv's");
        assertFalse(WinogradConv.applies(DEFAULTS, shapes(8, 32, 14, 14, 64, 32, 3, 2, 1, 1)), "stride 2");
        assertFalse(WinogradConv.applies(DEFAULTS, shapes(8, 32, 14, 14, 64, 32, 3, 1, 2, 1)), "dilation 2");
        assertFalse(WinogradConv.applies(DEFAULTS, shapes(8, 32, 14, 14, 64, 16, 3, 1, 1, 2)), "two groups");
        assertFalse(WinogradConv.applies(DEFAULTS, shapes(8, 32, 14, 14, 64, 32, 5, 1, 1, 1)), "5x5");
        assertFalse(WinogradConv.applies(DEFAULTS, shapes(2, 64, 224, 224, 64, 64, 3, 1, 1, 1)),
                "224x224x64: a sample's tiles need more than 16 MB of scratch");
        assertFalse(WinogradConv.applies(DEFAULTS, shapes(2, 2048, 14, 14, 2048, 2048, 3, 1, 1, 1)),
                "2048 channels: one sample's GEMMs would pin the arrays for longer than NativeBlas allows");
    }

    @Test
    void anEmptyBatchHasAZeroWeightGradient() {
        assumeTrue(WinogradNative.available(), "Ignis' JNI library did not load: " + CriticalBlas.status());
        Tensor x = Tensor.zeros(0, 4, 5, 5);
        Tensor w = Tensor.ones(3, 4, 3, 3).requiresGrad(true);
        Tensor y = Convolution.conv2d(x, w, null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        assertArrayEquals(new int[] {0, 3, 5, 5}, y.shape());
        y.sum().backward();
        assertArrayEquals(new float[3 * 4 * 9], w.grad().toFloatArray());
    }

    /**
     * ⟨transformWeights(w), dU⟩ = ⟨w, transformWeightGradient(dU)⟩ for random w and dU: the
     * weight gradient is the weight transform's adjoint. And the transform itself on one kernel,
     * written out: row 1 of G·g is ½(g0 + g1 + g2) of each column.
     */
    @Test
    void weightGradientTransformIsTheWeightTransformsAdjoint() {
        Random random = new Random(3);
        int o = 3;
        int c = 2;
        float[] w = new float[o * c * 9 + 5];
        float[] du = new float[16 * o * c];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < du.length; i++) {
            du[i] = random.nextFloat() - 0.5f;
        }
        float[] u = WinogradConv.transformWeights(w, 5, o, c);
        float[] gw = new float[o * c * 9 + 5];
        WinogradConv.transformWeightGradient(du, o, c, gw, 5);
        double left = 0;
        for (int i = 0; i < u.length; i++) {
            left += (double) u[i] * du[i];
        }
        double right = 0;
        for (int i = 0; i < o * c * 9; i++) {
            right += (double) w[5 + i] * gw[5 + i];
        }
        assertEquals(left, right, 1e-5);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f, 0f}, Arrays.copyOf(gw, 5), "before the offset");

        float[] g = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] one = WinogradConv.transformWeights(g, 0, 1, 1);
        // U = G·g·Gᵀ; U[0][0] = g00, U[1][1] = ¼ Σ g, U[3][3] = g22, U[0][3] = g02, U[1][0] = ½(g00 + g10 + g20)
        assertEquals(1f, one[0]);
        assertEquals(45f / 4, one[5]);
        assertEquals(9f, one[15]);
        assertEquals(3f, one[3]);
        assertEquals(0.5f * (1 + 4 + 7), one[4]);
    }
}
