package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void wrapSharesTheArrayAsFromNumpyWhileFromArrayCopies() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor shared = Tensor.wrap(data, 2, 3);
        Tensor copied = Tensor.fromArray(data, 2, 3);
        data[4] = 50;
        shared.select(0, 0).fill_(-1);
        assertArrayEquals(new float[] {-1, -1, -1, 4, 50, 6}, shared.toFloatArray());
        assertArrayEquals(new float[] {-1, -1, -1, 4, 50, 6}, data, "writes through the tensor reach the array");
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, copied.toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(data, 4, 2));
        assertEquals("wrap: shape [4, 2] needs 8 elements but the array has 6", e.getMessage());
    }

    @Test
    void sumsOverLeadingAndTrailingDimsMatchASequentialLoop() {
        int n = 3;
        int c = 4;
        int h = 5;
        int w = 6;
        Tensor x = Tensor.randn(new Generator(3), n, c, h, w);
        float[] v = x.toFloatArray();
        double[] perChannel = new double[c];
        double[] perRow = new double[c * h];   // Σ over dims 0 and 3
        for (int i = 0; i < v.length; i++) {
            int ch = i / (h * w) % c;
            perChannel[ch] += v[i];
            perRow[ch * h + i / w % h] += v[i];
        }
        float[] channel = x.sum(new int[] {0, 2, 3}, false).toFloatArray();
        float[] rows = x.sum(new int[] {0, 3}, true).toFloatArray();
        assertArrayEquals(new int[] {1, c, h, 1}, x.sum(new int[] {0, 3}, true).shape());
        for (int i = 0; i < c; i++) {
            assertEquals(perChannel[i], channel[i], 1e-5);
        }
        for (int i = 0; i < c * h; i++) {
            assertEquals(perRow[i], rows[i], 1e-5);
        }
        Tensor longs = Tensor.fromArray(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        assertArrayEquals(new long[] {1 + 2 + 5 + 6, 3 + 4 + 7 + 8}, longs.sum(new int[] {0, 2}, false).toLongArray());
    }

    @Test
    void viewsShareStorageAndSeeWrites() {
        Tensor x = Tensor.arange(0.0, 6.0, 1.0).reshape(2, 3);
        Tensor t = x.t();
        assertSame(x.storage(), t.storage());
        assertFalse(t.isContiguous());
        assertArrayEquals(new int[] {1, 3}, t.strides());
        x.select(1, 2).fill_(-1);
        assertArrayEquals(new float[] {0, 3, 1, 4, -1, -1}, t.contiguous().toFloatArray());
        assertArrayEquals(new float[] {1, -1}, x.narrow(1, 1, 2).select(0, 0).toFloatArray());
    }

    @Test
    void reshapeViewsWhenStridesAllowAndCopiesOtherwise() {
        Tensor x = Tensor.zeros(4, 6);
        assertSame(x.storage(), x.reshape(2, 2, 6).storage());
        assertSame(x.storage(), x.narrow(0, 1, 2).reshape(12).storage());   // whole rows stay contiguous
        assertNotEquals(x.storage(), x.t().reshape(24).storage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.t().view(24));
        assertTrue(e.getMessage().startsWith("view size is not compatible with input tensor's size and stride"));
        assertArrayEquals(new int[] {3, 8}, x.view(3, -1).shape());
        assertThrows(IllegalArgumentException.class, () -> x.view(5, -1));
    }

    @Test
    void broadcastingFollowsNumPyRules() {
        Tensor a = Tensor.arange(0.0, 3.0, 1.0).reshape(3, 1);
        Tensor b = Tensor.arange(0.0, 4.0, 1.0);
        Tensor c = a.mul(10.0).add(b);
        assertArrayEquals(new int[] {3, 4}, c.shape());
        assertEquals(23.0, c.get(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)", e.getMessage());
    }

    @Test
    void matmulNamesShapesOnMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 6)));
        assertEquals("matmul: shapes [3, 4] and [5, 6] cannot be multiplied (4 != 5)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.arange(4)),
                "int64 operands are rejected with the dtypes named");
    }

    @Test
    void dtypesPromoteLikePyTorch() {
        Tensor i = Tensor.arange(3);
        assertEquals(DType.INT64, i.add(1.0).dtype());
        assertEquals(DType.FLOAT32, i.add(0.5).dtype());
        assertEquals(DType.FLOAT32, i.div(2.0).dtype(), "true division of integers gives float");
        assertEquals(DType.FLOAT64, Tensor.zeros(2).add(Tensor.zeros(2).to(DType.FLOAT64)).dtype());
        assertEquals(DType.BOOL, Tensor.zeros(2).lt(1.0).dtype());
        assertArrayEquals(new long[] {0, 2, 4}, i.mul(2.0).toLongArray());
        assertEquals(3L, i.sum().toLongArray()[0]);
    }

    @Test
    void creationFunctions() {
        assertArrayEquals(new float[] {1, 0, 0, 1}, Tensor.eye(2).toFloatArray());
        assertArrayEquals(new long[] {2, 5, 8}, Tensor.arange(2, 10, 3).toLongArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(7.0, 2).toFloatArray());
        assertEquals(0, Tensor.zeros(2, 0).numel());
        assertEquals(0, Tensor.zeros(3).dim() - 1);
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new float[5], 2, 3));
    }

    @Test
    void generatorsAreReproducibleAndRestorable() {
        Generator g = new Generator(42);
        long state = g.getState();
        Tensor a = Tensor.randn(g, 100);
        g.setState(state);
        assertArrayEquals(a.toFloatArray(), Tensor.randn(g, 100).toFloatArray());
        Tensor u = Tensor.rand(new Generator(1), 10000);
        assertTrue(u.min().item() >= 0 && u.max().item() < 1);
        assertEquals(0.5, u.mean().item(), 0.02);
        Tensor n = Tensor.randn(new Generator(2), 10000);
        assertEquals(0.0, n.mean().item(), 0.05);
        assertEquals(1.0, n.std().item(), 0.05);
        long[] r = Tensor.randint(3, 7, new Generator(3), 1000).toLongArray();
        assertTrue(java.util.Arrays.stream(r).allMatch(v -> v >= 3 && v < 7));
    }

    @Test
    void dropoutKeepsExpectationAndIsSeeded() {
        Tensor x = Tensor.ones(10000);
        Tensor y = x.dropout(0.3, true, new Generator(5));
        assertEquals(1.0, y.mean().item(), 0.05);
        double kept = y.gt(0.0).to(DType.FLOAT32).mean().item();
        assertEquals(0.7, kept, 0.02);
        assertArrayEquals(y.toFloatArray(), x.dropout(0.3, true, new Generator(5)).toFloatArray());
        assertSame(x, x.dropout(0.3, false, new Generator(5)));
    }

    @Test
    void inPlaceOpsWriteThroughViewsAndBumpTheVersion() {
        Tensor p = Tensor.ones(2, 2);
        int v0 = p.storage().version();
        p.t().select(0, 1).mul_(5.0);   // column 1 of p
        assertArrayEquals(new float[] {1, 5, 1, 5}, p.toFloatArray());
        assertTrue(p.storage().version() > v0);
        p.addcmul_(Tensor.full(2.0, 2, 2), Tensor.full(3.0, 2), 0.5);
        assertArrayEquals(new float[] {4, 8, 4, 8}, p.toFloatArray());
        p.addcdiv_(Tensor.full(2.0, 2, 2), Tensor.full(4.0, 2, 2), -2.0);
        assertArrayEquals(new float[] {3, 7, 3, 7}, p.toFloatArray());
        p.lerp_(Tensor.full(11.0, 2, 2), 0.5);
        assertArrayEquals(new float[] {7, 9, 7, 9}, p.toFloatArray());
        p.clamp_(7.5, 8.5);
        assertArrayEquals(new float[] {7.5f, 8.5f, 7.5f, 8.5f}, p.toFloatArray());
        p.copy_(Tensor.arange(2));
        assertArrayEquals(new float[] {0, 1, 0, 1}, p.toFloatArray());
        p.zero_().add_(Tensor.of(1f, 2f), 3.0);
        assertArrayEquals(new float[] {3, 6, 3, 6}, p.toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).add_(Tensor.zeros(2, 2)));
        assertEquals("add_: output with shape [2] doesn't match the broadcast shape [2, 2]", e.getMessage());
    }

    @Test
    void reductionsAlongDims() {
        Tensor x = Tensor.fromArray(new float[] {3, 1, 4, 1, 5, 9}, 2, 3);
        ValuesIndices m = x.max(1, false);
        assertArrayEquals(new float[] {4, 9}, m.values().toFloatArray());
        assertArrayEquals(new long[] {2, 2}, m.indices().toLongArray());
        assertArrayEquals(new long[] {1, 0}, x.argmin(1, false).toLongArray());
        assertEquals(5L, x.argmax().toLongArray()[0]);
        assertArrayEquals(new int[] {2, 1}, x.sum(1, true).shape());
        assertArrayEquals(new float[] {4, 6, 13}, x.sum(0, false).toFloatArray());
        assertEquals(Math.log(Math.exp(3) + Math.exp(1) + Math.exp(4)), x.logsumexp(new int[] {1}, false).get(0), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).max(1, false));
        assertThrows(IndexOutOfBoundsException.class, () -> x.sum(2, false));
    }

    @Test
    void joiningAndSplitting() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.ones(2, 1);
        assertArrayEquals(new int[] {2, 4}, Tensor.cat(List.of(a, b), 1).shape());
        assertArrayEquals(new int[] {2, 2, 3}, Tensor.stack(List.of(a, a), 1).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of(a, b), 0));
        assertTrue(e.getMessage().startsWith("cat(): Sizes of tensors must match except in dimension 0"));
        assertEquals(3, Tensor.zeros(7).chunk(3, 0).size());
        assertArrayEquals(new int[] {1}, Tensor.zeros(7).chunk(3, 0).get(2).shape());
        assertEquals(List.of(2, 2, 1), Tensor.zeros(5).split(2, 0).stream().map(t -> t.size(0)).toList());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(5).split(new int[] {2, 2}, 0));
    }

    @Test
    void indexingOps() {
        Tensor w = Tensor.arange(0.0, 6.0, 1.0).reshape(3, 2);
        Tensor e = Tensor.embedding(w, Tensor.fromArray(new long[] {2, 0}, 2));
        assertArrayEquals(new float[] {4, 5, 0, 1}, e.toFloatArray());
        assertArrayEquals(new long[] {0, 0, 1, 1, 0, 0}, Tensor.oneHot(Tensor.fromArray(new long[] {2, 0}), 3).toLongArray());
        IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class,
                () -> w.indexSelect(0, Tensor.fromArray(new long[] {3})));
        assertEquals("index_select(): index 3 is out of bounds for dimension with size 3", oob.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> w.select(0, 3));
        assertEquals(5.0, w.select(-1, -1).get(2));
    }

    @Test
    void comparisonsAndLogic() {
        Tensor x = Tensor.of(-1f, 0f, 2f);
        assertArrayEquals(new boolean[] {false, false, true}, x.gt(0.0).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false}, x.gt(0.0).logicalNot().toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true}, x.lt(0.0).logicalOr(x.gt(1.0)).toBooleanArray());
        assertArrayEquals(new float[] {9, 0, 2}, Tensor.where(x.lt(0.0), Tensor.full(9.0), x).toFloatArray());
    }

    @Test
    void activationValues() {
        Tensor x = Tensor.of(-2f, 0f, 1.5f);
        assertArrayEquals(new float[] {0, 0, 1.5f}, x.relu().toFloatArray());
        assertArrayEquals(new float[] {-0.2f, 0, 1.5f}, x.leakyRelu(0.1).toFloatArray(), 1e-7f);
        assertEquals(0.5, x.sigmoid().get(1));
        assertEquals(1.5 * 0.5 * (1 + erf(1.5 / Math.sqrt(2))), x.gelu().get(2), 1e-6);
        assertEquals(Math.expm1(-2) * 1.5, x.elu(1.5).get(0), 1e-6);
    }

    @Test
    void reluBackwardPassesTheGradientWhereTheOutputIsPositiveAndZeroElsewhereAsThresholdBackward() {
        float tiny = Float.MIN_VALUE;
        float[] in = {-1f, -0f, 0f, tiny, 2f, Float.POSITIVE_INFINITY, Float.NaN, Float.NEGATIVE_INFINITY, 3f, -3f};
        float[] grad = {5f, 5f, 5f, 5f, Float.NaN, 7f, 5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY};
        // PyTorch: threshold_backward(grad, relu(x), 0) = where(relu(x) <= 0, 0, grad); relu(NaN) is NaN,
        // which compares false, so its gradient passes
        float[] want = {0f, 0f, 0f, 5f, Float.NaN, 7f, 5f, 0f, Float.NEGATIVE_INFINITY, 0f};
        for (int size : new int[] {in.length, 1000}) {
            float[] x = new float[size];
            float[] g = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = in[i % in.length];
                g[i] = grad[i % grad.length];
            }
            Tensor t = Tensor.fromArray(x, size).requiresGrad(true);
            t.relu().backward(Tensor.fromArray(g, size), false);
            float[] got = t.grad().toFloatArray();
            Tensor t64 = Tensor.fromArray(x, size).to(DType.FLOAT64).requiresGrad(true);
            t64.relu().backward(Tensor.fromArray(g, size).to(DType.FLOAT64), false);
            double[] got64 = t64.grad().toDoubleArray();
            for (int i = 0; i < size; i++) {
                assertEquals(Float.floatToIntBits(want[i % want.length]), Float.floatToIntBits(got[i]),
                        "x = " + x[i] + ", grad = " + g[i] + " at " + i);
                assertEquals(Double.doubleToLongBits(want[i % want.length]), Double.doubleToLongBits(got64[i]),
                        "float64: x = " + x[i] + ", grad = " + g[i] + " at " + i);
            }
        }
    }

    private static double erf(double z) {
        // Reference value by numerical integration of 2/sqrt(pi)·e^(−t²) on [0, z] (Simpson, 2000 steps).
        int n = 2000;
        double h = z / n;
        double s = 1 + Math.exp(-z * z);
        for (int i = 1; i < n; i++) {
            s += (i % 2 == 0 ? 2 : 4) * Math.exp(-(i * h) * (i * h));
        }
        return 2 / Math.sqrt(Math.PI) * s * h / 3;
    }

    @Test
    void devicesThatNoBackendServesAreRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).to(Device.of("cuda:0")));
        assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
        assertEquals(new Device("cuda", 1), Device.of("cuda:1"));
        assertThrows(IllegalArgumentException.class, () -> Device.of("cuda:x"));
    }

    @Test
    void largeKernelsGiveTheSameResultOnOneOrManyThreads() {
        Generator g = new Generator(11);
        Tensor a = Tensor.randn(g, 300, 500);
        Tensor b = Tensor.randn(g, 500, 1);
        int before = dev.ignis.backend.IntraOpPool.threads();
        float[][] results = new float[2][];
        try {
            for (int t = 0; t < 2; t++) {
                dev.ignis.backend.IntraOpPool.setThreads(t == 0 ? 1 : 4);
                Tensor r = a.t().mul(b).add(1.0).exp().clamp(0, 3).contiguous();   // strided, broadcast, unary
                Tensor filled = Tensor.zeros(500, 300);
                filled.t().fill_(2.0);
                results[t] = r.add(filled).sum(0, false).toFloatArray();
            }
        } finally {
            dev.ignis.backend.IntraOpPool.setThreads(before);
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void castsPassGradientsBackInTheInputType() {
        Tensor x = Tensor.of(1.5f, -2f).requiresGrad(true);
        Tensor y = x.to(DType.FLOAT64).mul(Tensor.fromArray(new double[] {2, 3})).sum();
        y.backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new float[] {2, 3}, x.grad().toFloatArray());
        assertFalse(x.to(DType.INT64).requiresGrad(), "integer results are not differentiable");
    }

    @Test
    void itemAndRepr() {
        assertEquals(3.0, Tensor.arange(3).sum().item());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).item());
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        assertEquals("tensor([1., 2.], requires_grad=True)", x.toString());
        assertEquals("tensor([2., 4.], grad_fn=<MulBackward0>)", x.mul(2.0).toString());
        try (var ignored = GradMode.noGrad()) {
            assertEquals("tensor([2., 4.])", x.mul(2.0).toString());
        }
        assertEquals("tensor([], size=(2, 0))", Tensor.zeros(2, 0).toString());
    }
}
