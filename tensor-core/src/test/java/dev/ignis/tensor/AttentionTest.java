package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * scaled_dot_product_attention as one op: values and gradients against the same computation
 * composed of recorded ops (matmul, softmax), for each mask kind; gradcheck (float64, dropout
 * included); PyTorch's errors.
 */
class AttentionTest {
    private static final double NO_DROPOUT = 0;

    /** softmax(scale·q·kᵀ + mask)·v composed of recorded ops; mask additive or null. */
    private static Tensor composed(Tensor q, Tensor k, Tensor v, Tensor mask, double scale) {
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(scale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matmul(v);
    }

    private static Tensor leaf(Generator gen, int... shape) {
        return Tensor.randn(gen, shape).requiresGrad(true);
    }

    /** Values and the gradients of q, k and v under the upstream gradient {@code up}. */
    private static float[][] run(Tensor out, Tensor up, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.grad(null);
        }
        out.mul(up).sum().backward();
        return new float[][] {out.contiguous().toFloatArray(), inputs[0].grad().toFloatArray(),
            inputs[1].grad().toFloatArray(), inputs[2].grad().toFloatArray()};
    }

    private static void assertSame(float[][] expected, float[][] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], 2e-5f, i == 0 ? "output" : "gradient of input " + (i - 1));
        }
    }

    @Test
    void oneOpEqualsTheComposedComputationForEachMaskKind() {
        Generator gen = new Generator(3);
        Tensor q = leaf(gen, 2, 3, 5, 4);
        Tensor k = leaf(gen, 2, 3, 6, 4);
        Tensor v = leaf(gen, 2, 3, 6, 7);
        Tensor up = Tensor.randn(gen, 2, 3, 5, 7);
        double scale = 0.5;
        Tensor boolMask = Tensor.rand(gen, 5, 6).lt(0.7);                 // true = attend
        boolMask = Tensor.where(Tensor.arange(6).reshape(1, 6).eq(0.0), Tensor.full(1, DType.BOOL, Device.CPU),
                boolMask);                                                // every row attends somewhere
        Tensor floatMask = Tensor.randn(gen, 2, 1, 5, 6);                  // broadcast over heads
        Tensor[] masks = {null, boolMask, floatMask};
        for (Tensor mask : masks) {
            Tensor additive = mask == null ? null : Attention.additive(mask, false, DType.FLOAT32);
            float[][] expected = run(composed(q, k, v, additive, scale), up, q, k, v);
            float[][] actual = run(Attention.scaledDotProduct(q, k, v, mask, NO_DROPOUT, false, scale, gen), up,
                    q, k, v);
            assertSame(expected, actual);
        }
        Tensor causal = Attention.causalMask(5, 6, DType.FLOAT32, Device.CPU);
        float[][] expected = run(composed(q, k, v, causal, 0.5), up, q, k, v);
        assertSame(expected, run(Attention.scaledDotProduct(q, k, v, null, NO_DROPOUT, true, 0.5, gen), up, q, k, v));
    }

    @Test
    void defaultScaleIsOneOverSquareRootOfTheEmbeddingAnd3dInputsWork() {
        Generator gen = new Generator(4);
        Tensor q = Tensor.randn(gen, 3, 4, 16);
        Tensor k = Tensor.randn(gen, 3, 5, 16);
        Tensor v = Tensor.randn(gen, 3, 5, 2);
        assertArrayEquals(composed(q, k, v, null, 0.25).toFloatArray(),
                Attention.scaledDotProduct(q, k, v, null, NO_DROPOUT, false, null, gen).toFloatArray(), 1e-6f);
    }

    @Test
    void gradientsPassGradcheckWithMaskAndDropout() {
        Generator gen = new Generator(5);
        Tensor q = Tensor.randn(gen, 2, 3, 4).to(DType.FLOAT64).requiresGrad(true);
        Tensor k = Tensor.randn(gen, 2, 5, 4).to(DType.FLOAT64).requiresGrad(true);
        Tensor v = Tensor.randn(gen, 2, 5, 3).to(DType.FLOAT64).requiresGrad(true);
        Tensor mask = Tensor.randn(gen, 3, 5).to(DType.FLOAT64);
        // a fresh generator per call: the same dropout mask at every evaluation
        GradCheck.check(in -> Attention.scaledDotProduct(in[0], in[1], in[2], mask, 0.3, false, null,
                new Generator(9)), q, k, v);
    }

    @Test
    void dropoutZeroesWeightsDrawnFromTheGenerator() {
        Generator gen = new Generator(6);
        Tensor q = Tensor.randn(gen, 1, 8, 4);
        Tensor k = Tensor.randn(gen, 1, 8, 4);
        Tensor v = Tensor.ones(1, 8, 1);
        // with v = 1 each output is the row sum of the kept weights, scaled by 1/(1−p)
        float[] a = Attention.scaledDotProduct(q, k, v, null, 0.5, false, null, new Generator(1)).toFloatArray();
        float[] b = Attention.scaledDotProduct(q, k, v, null, 0.5, false, null, new Generator(1)).toFloatArray();
        float[] none = Attention.scaledDotProduct(q, k, v, null, 0, false, null, gen).toFloatArray();
        assertArrayEquals(a, b, "the same generator state draws the same mask");
        assertNotEquals(java.util.Arrays.toString(none), java.util.Arrays.toString(a));
        for (float x : none) {
            assertEquals(1f, x, 1e-6f);
        }
    }

    @Test
    void aFullyMaskedRowGivesNaNAsInPyTorch() {
        Tensor q = Tensor.ones(1, 2, 2);
        Tensor mask = Tensor.fromArray(new float[] {0, 0, 1, 1}, 2, 2).gt(0.5);  // row 0 attends nowhere
        float[] out = Attention.scaledDotProduct(q, q, q, mask, 0, false, null, new Generator(1)).toFloatArray();
        assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]));
        assertEquals(1f, out[2], 1e-6f);
    }

    @Test
    void errorsNameTheShapes() {
        Tensor q = Tensor.zeros(2, 3, 4);
        Tensor k = Tensor.zeros(2, 5, 4);
        Tensor v = Tensor.zeros(2, 5, 6);
        var wrongKey = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q,
                Tensor.zeros(2, 5, 3), v, null, 0, false, null, new Generator(1)));
        assertTrue(wrongKey.getMessage().contains("[2, 5, 3]"), wrongKey.getMessage());
        var wrongMask = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q, k, v,
                Tensor.zeros(3, 4), 0, false, null, new Generator(1)));
        assertTrue(wrongMask.getMessage().contains("attn_mask") && wrongMask.getMessage().contains("[3, 4]"),
                wrongMask.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q, k, v, Tensor.zeros(3, 5),
                0, true, null, new Generator(1)));
    }
}
