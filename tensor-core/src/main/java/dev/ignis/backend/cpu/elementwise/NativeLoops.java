package dev.ignis.backend.cpu.elementwise;

import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.cpu.StridedWalk;
import dev.ignis.tensor.DType;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The native float32 fast paths of the CPU's primitives, registered by op in one place: the
 * loops a training step runs over every activation and parameter (ReLU, its gradient, a bias
 * row added to every row, a bias gradient's column sums, the optimizers' updates), run by
 * {@link NativeVector} for dense operands that one thread handles. Each gives the Java loop's
 * bits; each returns false, with nothing written, where it does not apply, and the generic loop
 * runs. The caller has checked that native loops are on ({@code CpuOptions.nativeLoops} and
 * {@link NativeVector#available}).
 */
public final class NativeLoops {
    /** A fast path for one unary op. */
    @FunctionalInterface
    private interface Unary {
        boolean run(View x, View out);
    }

    /** A fast path for one binary op, on dense float32 {@code a} and {@code out} one thread handles. */
    @FunctionalInterface
    private interface Binary {
        boolean run(View a, View b, View out);
    }

    private static final Map<UnaryOp, Unary> UNARY = new EnumMap<>(Map.of(UnaryOp.RELU, NativeLoops::relu));
    private static final Map<BinaryOp, Binary> BINARY = new EnumMap<>(Map.of(
            BinaryOp.MASK_POSITIVE, NativeLoops::maskPositive,
            BinaryOp.ADD, NativeLoops::addRows));

    private NativeLoops() {
    }

    /** out = op(x) natively where {@code op} has a fast path and it applies; false otherwise. */
    public static boolean unary(UnaryOp op, View x, View out) {
        Unary loop = UNARY.get(op);
        return loop != null && loop.run(x, out);
    }

    /**
     * out = op(a, b) natively where {@code op} has a fast path and it applies; {@code a} and
     * {@code out} are dense float32 and small enough for one thread (the caller's checks).
     */
    public static boolean binary(BinaryOp op, View a, View b, View out) {
        Binary loop = BINARY.get(op);
        return loop != null && loop.run(a, b, out);
    }

    /**
     * y ← fma(a, x, y·b) for dense float32 operands of one shape that a single thread would update
     * anyway (larger ones keep the pool's parallel loop): the optimizers' updates, which then run
     * compiled from the first step instead of in the interpreter and C1 code until the JIT
     * reaches them.
     */
    public static boolean axpby(float a, View x, float b, View y) {
        int n = y.numel();
        if (!StridedWalk.serial(n) || !x.isContiguous() || !y.isContiguous() || !Arrays.equals(x.shape(), y.shape())) {
            return false;
        }
        float[] xv = CpuViews.data(x);
        float[] yv = CpuViews.data(y);
        return regionsFit(xv, x.offset(), n, yv, y.offset(), n)
                && NativeVector.axpby(n, a, xv, x.offset(), b, yv, y.offset());
    }

    /** out[j] = Σ_r x[r, j] for contiguous float32 x [rows, cols] one thread handles. */
    public static boolean sumColumns(View x, View out) {
        int rows = x.size(0);
        int cols = x.size(1);
        long n = (long) rows * cols;
        float[] in = CpuViews.data(x);
        float[] o = CpuViews.data(out);
        return StridedWalk.serial((int) Math.min(n, Integer.MAX_VALUE))
                && regionsFit(in, x.offset(), n, o, out.offset(), cols)
                && NativeVector.sumColumns(rows, cols, in, x.offset(), o, out.offset());
    }

    private static boolean relu(View x, View out) {
        int n = out.numel();
        if (x.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32 || !StridedWalk.serial(n) || !x.isContiguous()
                || !out.isContiguous() || x.numel() != n) {
            return false;
        }
        float[] xv = CpuViews.data(x);
        float[] ov = CpuViews.data(out);
        return regionsFit(xv, x.offset(), n, ov, out.offset(), n) && NativeVector.relu(n, xv, x.offset(), ov, out.offset());
    }

    /** ReLU's gradient: a masked by b > 0, b contiguous. */
    private static boolean maskPositive(View a, View b, View out) {
        int n = out.numel();
        float[] av = CpuViews.data(a);
        float[] bv = CpuViews.data(b);
        float[] ov = CpuViews.data(out);
        return b.isContiguous() && regionsFit(av, a.offset(), n, ov, out.offset(), n)
                && regionsFit(bv, b.offset(), n, ov, out.offset(), n)
                && NativeVector.maskPositive(n, av, a.offset(), bv, b.offset(), ov, out.offset());
    }

    /** A bias row added to every row: b broadcast down a 2-D out (strides 0 and 1). */
    private static boolean addRows(View a, View b, View out) {
        if (out.dim() != 2 || b.stride(0) != 0 || b.stride(1) != 1) {
            return false;
        }
        int n = out.numel();
        int rows = out.size(0);
        int cols = out.size(1);
        float[] av = CpuViews.data(a);
        float[] bv = CpuViews.data(b);
        float[] ov = CpuViews.data(out);
        return regionsFit(av, a.offset(), n, ov, out.offset(), n) && regionsFit(bv, b.offset(), cols, ov, out.offset(), n)
                && NativeVector.addRows(rows, cols, av, a.offset(), bv, b.offset(), ov, out.offset());
    }

    /**
     * Whether native code may read {@code n} floats of {@code in} at {@code inOff} and write
     * {@code outN} floats of {@code out} at {@code outOff}: both regions inside their arrays, and
     * the written one either the read one (in place) or apart from it.
     */
    private static boolean regionsFit(float[] in, int inOff, long n, float[] out, int outOff, long outN) {
        if (in == null || out == null || !NativeVector.inside(inOff, n, in.length)
                || !NativeVector.inside(outOff, outN, out.length)) {
            return false;
        }
        boolean overlapping = in == out && inOff < outOff + outN && outOff < inOff + n;
        return !overlapping || (inOff == outOff && n == outN);
    }
}
