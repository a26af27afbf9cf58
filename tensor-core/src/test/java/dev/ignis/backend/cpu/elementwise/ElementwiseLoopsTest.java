package dev.ignis.backend.cpu.elementwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The elementwise kernels take one of two loops per row: one index for every array when the
 * operands start at the same offset (the form HotSpot vectorises), a strided loop otherwise.
 * Both must give the same bits: here the same values are computed on fresh tensors (offset 0)
 * and on views that start part-way into their storage.
 */
class ElementwiseLoopsTest {
    private static final int N = 1000;

    private static float[] awkward(long seed) {
        Generator g = new Generator(seed);
        float[] v = new float[N];
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        for (int i = 0; i < N; i++) {
            v[i] = i % 17 == 0 ? special[(i / 17) % special.length] : (float) (g.nextDouble() * 8 - 4);
        }
        return v;
    }

    /** The same N values as a fresh tensor, and as a view at {@code offset} into a larger one. */
    private static Tensor[] freshAndOffset(float[] values, int offset) {
        float[] padded = new float[offset + N + 3];
        System.arraycopy(values, 0, padded, offset, N);
        return new Tensor[] {Tensor.fromArray(values.clone(), N), Tensor.fromArray(padded, padded.length).narrow(0, offset, N)};
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        int[] eb = new int[N];
        int[] ab = new int[N];
        for (int i = 0; i < N; i++) {
            eb[i] = Float.floatToIntBits(e[i]);
            ab[i] = Float.floatToIntBits(a[i]);
        }
        assertArrayEquals(eb, ab, what);
    }

    @Test
    void binaryOpsGiveTheSameBitsOnOffsetViewsAsOnFreshTensors() {
        Tensor[] a = freshAndOffset(awkward(1), 5);
        Tensor[] b = freshAndOffset(awkward(2), 2);
        Tensor scalar = Tensor.fromArray(new float[] {0.353f}, 1);
        Map<String, BiFunction<Tensor, Tensor, Tensor>> ops = new LinkedHashMap<>();
        ops.put("add", Tensor::add);
        ops.put("sub", Tensor::sub);
        ops.put("mul", Tensor::mul);
        ops.put("div", Tensor::div);
        ops.forEach((name, op) -> {
            assertSameBits(op.apply(a[0], b[0]), op.apply(a[1], b[1]), name + " of two rows");
            assertSameBits(op.apply(a[0], b[0]), op.apply(a[0], b[1]), name + " with only b offset");
            assertSameBits(op.apply(a[0], scalar), op.apply(a[1], scalar), name + " by a broadcast scalar");
        });
        assertSameBits(a[0].sub(scalar).div(scalar), freshAndOffset(awkward(1), 7)[1].sub_(scalar).div_(scalar),
                "in-place sub_ then div_ on a view");
        assertSameBits(a[0], a[1], "inputs untouched");
    }

    @Test
    void unaryOpsGiveTheSameBitsOnOffsetViewsAsOnFreshTensors() {
        Tensor[] x = freshAndOffset(awkward(3), 9);
        Map<String, Function<Tensor, Tensor>> ops = new LinkedHashMap<>();
        ops.put("relu", Tensor::relu);
        ops.put("neg", Tensor::neg);
        ops.put("abs", Tensor::abs);
        ops.put("sqrt", Tensor::sqrt);
        ops.put("mul by scalar", t -> t.mul(2.5));
        ops.forEach((name, op) -> assertSameBits(op.apply(x[0]), op.apply(x[1]), name));
    }

    @Test
    void axpyGivesTheSameBitsOnOffsetViewsAsOnFreshTensors() {
        Tensor[] x = freshAndOffset(awkward(4), 3);
        Tensor[] y = freshAndOffset(awkward(5), 11);
        Tensor fresh = y[0].clone().add_(x[0], 0.05);
        Tensor view = y[1].add_(x[1], 0.05);
        assertSameBits(fresh, view, "y += 0.05 x");
    }
}
