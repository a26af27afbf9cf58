package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * The fused row kernel (contiguous input, last dim) against the composed form, which a
 * non-contiguous input of the same values takes: values and gradients must agree.
 */
class LogSoftmaxRowsTest {

    /** The same values as {@code x}, laid out column-major (not contiguous). */
    private static Tensor columnMajor(Tensor x) {
        return x.t().contiguous().t();
    }

    private static float[][] valueAndGrad(Tensor x, Tensor upstream) {
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor y = leaf.logSoftmax(-1);
        y.mul(upstream).sum().backward();
        return new float[][] {y.toFloatArray(), leaf.grad().contiguous().toFloatArray()};
    }

    @Test
    void fusedRowsMatchTheComposedForm() {
        Generator gen = new Generator(21);
        Tensor x = Tensor.randn(gen, 6, 9).mul(4);
        Tensor upstream = Tensor.randn(gen, 6, 9);
        float[][] fused = valueAndGrad(x, upstream);
        float[][] composed = valueAndGrad(columnMajor(x), upstream);
        assertArrayEquals(composed[0], fused[0], 1e-6f);
        assertArrayEquals(composed[1], fused[1], 1e-6f);
    }

    @Test
    void infiniteEntriesGiveTheComposedFormsValues() {
        float inf = Float.POSITIVE_INFINITY;
        Tensor x = Tensor.fromArray(new float[] {-inf, 0, 1, 2, -inf, 3, inf, 1, 0, -inf, -inf, -inf}, 4, 3);
        // NaN and infinities where the composed form has them (JUnit compares those exactly), else within an ulp or two
        assertArrayEquals(columnMajor(x).logSoftmax(1).toFloatArray(), x.logSoftmax(1).toFloatArray(), 1e-6f);
    }

    @Test
    void higherRankInputsAreRowsOfTheirLastDim() {
        Generator gen = new Generator(22);
        Tensor x = Tensor.randn(gen, 2, 3, 5);
        Tensor viaRows = x.reshape(6, 5).logSoftmax(1).reshape(2, 3, 5);
        assertArrayEquals(viaRows.toFloatArray(), x.logSoftmax(2).toFloatArray());
        assertArrayEquals(x.permute(0, 2, 1).contiguous().logSoftmax(1).permute(0, 2, 1).contiguous().toFloatArray(),
                x.logSoftmax(2).toFloatArray(), 1e-6f);
    }
}
