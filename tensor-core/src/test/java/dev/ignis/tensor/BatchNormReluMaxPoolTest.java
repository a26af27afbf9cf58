package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.backend.IntraOpPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused batch norm + ReLU + max pooling op against the three ops run one after another
 * ({@link BatchNormalization#train}, {@link Tensor#relu}, {@link Convolution#maxPool2d}): the
 * same output bit for bit, the same statistics, and the same gradients for x, weight and bias.
 * Inputs are rounded to quarters so that windows hold exact ties (the gradient must reach the
 * first maximum); a negative bias on every other channel makes ReLU cut whole windows.
 */
class BatchNormReluMaxPoolTest {
    private static final double EPS = 1e-5;

    @AfterEach
    void restoreThreads() {
        IntraOpPool.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @ParameterizedTest(name = "[{0}, {1}, {2}, {3}] kernel {4}x{5}, affine {6}, threads {7}")
    @CsvSource({
        "4, 3, 8, 8, 2, 2, true, 1",    // the CPU kernel's 2×2 path
        "4, 3, 8, 8, 2, 2, true, 2",
        "3, 2, 7, 9, 2, 2, true, 2",    // odd sizes: the last row and column are in no window
        "2, 3, 9, 9, 3, 3, true, 1",    // the general tiling path
        "2, 2, 6, 8, 2, 4, false, 2",   // non-square windows, no weight or bias
        "5, 2, 4, 4, 4, 4, true, 1",    // one window per plane
    })
    void fusedEqualsTheThreeOpsInSequence(int n, int c, int h, int w, int kh, int kw, boolean affine, int threads) {
        IntraOpPool.setThreads(threads);
        Generator gen = new Generator(17 + n * 31 + h);
        float[] values = Tensor.randn(gen, n, c, h, w).toFloatArray();
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.round(values[i] * 4) / 4f;
        }
        Tensor data = Tensor.fromArray(values, n, c, h, w);
        Tensor weight = affine ? Tensor.fromArray(signedWeights(c), c) : null;
        Tensor bias = affine ? Tensor.randn(gen, c).mul(0.3).add(Tensor.fromArray(alternating(c, -4f, 0f), c)) : null;
        int[] kernel = {kh, kw};
        Tensor[] fused = run(true, data, weight, bias, kernel, kernel, new int[] {0, 0});
        Tensor[] separate = run(false, data, weight, bias, kernel, kernel, new int[] {0, 0});
        assertBitsEqual(separate[0], fused[0], "output");
        assertBitsEqual(separate[1], fused[1], "batch mean");
        assertBitsEqual(separate[2], fused[2], "batch variance");
        assertClose(separate[3], fused[3], "x gradient");
        if (affine) {
            assertClose(separate[4], fused[4], "weight gradient");
            assertClose(separate[5], fused[5], "bias gradient");
            assertTrue(fused[0].eq(0).sum().item() > 0, "ReLU cut some windows entirely");
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalResults() {
        Generator gen = new Generator(4);
        Tensor data = Tensor.randn(gen, 6, 4, 10, 10);
        Tensor weight = Tensor.fromArray(signedWeights(4), 4);
        Tensor bias = Tensor.randn(gen, 4);
        int[] k = {2, 2};
        IntraOpPool.setThreads(1);
        Tensor[] one = run(true, data, weight, bias, k, k, new int[] {0, 0});
        IntraOpPool.setThreads(2);
        Tensor[] two = run(true, data, weight, bias, k, k, new int[] {0, 0});
        for (int i = 0; i < one.length; i++) {
            assertBitsEqual(one[i], two[i], "result " + i);
        }
    }

    @Test
    void windowsThatDoNotTileRunTheThreeOps() {
        Generator gen = new Generator(8);
        Tensor data = Tensor.randn(gen, 2, 3, 7, 7);
        Tensor weight = Tensor.rand(gen, 3);
        Tensor bias = Tensor.randn(gen, 3);
        int[] k = {3, 3};
        Tensor[] fused = run(true, data, weight, bias, k, new int[] {2, 2}, new int[] {1, 1});
        Tensor[] separate = run(false, data, weight, bias, k, new int[] {2, 2}, new int[] {1, 1});
        assertEquals(java.util.List.of(2, 3, 4, 4), java.util.Arrays.stream(fused[0].shape()).boxed().toList());
        for (int i = 0; i < fused.length; i++) {
            assertBitsEqual(separate[i], fused[i], "result " + i);
        }
        // one op on every device; where the CPU's fused loop declines, the family's reference runs the three kernels
        assertEquals("BatchNormReluMaxPool2dBackward0", BatchNormReluMaxPool.train(data.detach().requiresGrad(true),
                weight, bias, EPS, k, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}).output().gradFn().name());
    }

    @Test
    void aNanInputGivesNanWhereTheThreeOpsDo() {
        float[] values = Tensor.randn(new Generator(2), 2, 2, 4, 4).toFloatArray();
        values[5] = Float.NaN;   // channel 0 of sample 0
        Tensor data = Tensor.fromArray(values, 2, 2, 4, 4);
        int[] k = {2, 2};
        Tensor[] fused = run(true, data, null, null, k, k, new int[] {0, 0});
        Tensor[] separate = run(false, data, null, null, k, k, new int[] {0, 0});
        for (int i = 0; i < 4; i++) {
            assertBitsEqual(separate[i], fused[i], "result " + i);
        }
    }

    @Test
    void inputsThatNeedNoGradientGetNone() {
        Tensor x = Tensor.randn(new Generator(6), 2, 2, 4, 4).requiresGrad(true);
        Tensor weight = Tensor.ones(2);
        Tensor bias = Tensor.zeros(2).requiresGrad(true);
        int[] k = {2, 2};
        BatchNormalization.Result r = BatchNormReluMaxPool.train(x, weight, bias, EPS, k, k, new int[] {0, 0},
                new int[] {1, 1});
        assertEquals("BatchNormReluMaxPool2dBackward0", r.output().gradFn().name());
        r.output().sum().backward();
        assertNull(weight.grad());
        assertTrue(x.grad() != null && bias.grad() != null);
    }

    /** Weights with both signs: a negative one makes a window's max y come from its min x. */
    private static float[] signedWeights(int c) {
        float[] w = alternating(c, 1.5f, -0.75f);
        for (int i = 0; i < c; i++) {
            w[i] += 0.1f * i;
        }
        return w;
    }

    /** {even, odd, even, ...}, c values. */
    private static float[] alternating(int c, float even, float odd) {
        float[] v = new float[c];
        for (int i = 0; i < c; i++) {
            v[i] = i % 2 == 0 ? even : odd;
        }
        return v;
    }

    /**
     * {output, batch mean, batch variance, dx, dw, db} with a fixed upstream gradient; fused or the
     * three ops one after another. Fresh leaves each time, so the two runs share nothing.
     */
    private static Tensor[] run(boolean fused, Tensor data, Tensor weight, Tensor bias, int[] kernel, int[] stride,
                                int[] padding) {
        Tensor x = data.detach().requiresGrad(true);
        Tensor w = weight == null ? null : weight.detach().requiresGrad(true);
        Tensor b = bias == null ? null : bias.detach().requiresGrad(true);
        int[] dilation = {1, 1};
        Tensor out;
        Tensor mean;
        Tensor var;
        if (fused) {
            BatchNormalization.Result r = BatchNormReluMaxPool.train(x, w, b, EPS, kernel, stride, padding, dilation);
            out = r.output();
            mean = r.mean();
            var = r.var();
        } else {
            BatchNormalization.Result r = BatchNormalization.train(x, w, b, EPS);
            out = Convolution.maxPool2d(r.output().relu(), kernel, stride, padding, dilation);
            mean = r.mean();
            var = r.var();
        }
        Tensor upstream = Tensor.randn(new Generator(99), out.shape());
        out.backward(upstream, false);
        return new Tensor[] {out.detach(), mean, var, x.grad(), w == null ? null : w.grad(), b == null ? null : b.grad()};
    }

    /** Equal bit for bit, except that any two NaNs are equal. */
    private static void assertBitsEqual(Tensor expected, Tensor actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            boolean same = Float.isNaN(e[i]) ? Float.isNaN(a[i]) : Float.floatToIntBits(e[i]) == Float.floatToIntBits(a[i]);
            assertTrue(same, what + " at " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    /**
     * Equal up to the order of the per-channel sums (the fused backward adds only each window's
     * winner, in window order; batch norm's backward adds every element in memory order).
     */
    private static void assertClose(Tensor expected, Tensor actual, String what) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-6 + 1e-5 * Math.abs(e[i]), what + " at " + i);
        }
    }
}
