package dev.ignis.backend.cpu;

import dev.ignis.backend.Availability;
import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.CounterRandom;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.KernelTable;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.Storage;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.elementwise.ElementwiseLoops;
import dev.ignis.backend.cpu.elementwise.NativeLoops;
import dev.ignis.backend.cpu.elementwise.NativeVector;
import dev.ignis.backend.cpu.elementwise.Sums;
import dev.ignis.backend.cpu.gemm.CpuGemm;
import dev.ignis.backend.cpu.gemm.CriticalBlas;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Shape;
import java.util.Arrays;

/**
 * The reference backend: Java arrays on the heap. Float32 has fast paths (contiguous or
 * row-strided loops without per-element dispatch for the common ops, OpenBLAS or blocked Java
 * GEMM, parallel rows); every other case goes through a generic strided loop that is the
 * definition the accelerator backends are tested against.
 */
public final class CpuBackend implements Backend {
    private final CpuOptions options;

    /** The backend ServiceLoader builds: options from the {@code ignis.*} system properties. */
    public CpuBackend() {
        this(CpuOptions.fromSystemProperties());
    }

    /** A backend computing by {@code options} (tests and benchmarks compare routes in one JVM). */
    public CpuBackend(CpuOptions options) {
        this.options = options;
        CriticalBlas.load(options.blasLibrary());
        if (options.nativeLoops() && !NativeVector.available()) {
            Fallbacks.once("native loops", "unavailable (bridge: " + CriticalBlas.status() + ", or no AVX2/FMA): ReLU,"
                    + " masks, bias rows, column sums and optimizer updates run the Java loops");
        }
        if (options.gemm() != CpuOptions.GemmRoute.JAVA && options.gemm() != CpuOptions.GemmRoute.OPENBLAS_COPIED
                && !CriticalBlas.available()) {
            Fallbacks.once("gemm", "the in-place bridge is unavailable (" + CriticalBlas.status()
                    + "): GEMM operands are copied off-heap");
        }
    }

    public CpuOptions options() {
        return options;
    }

    /** Whether the native float32 loops run: allowed by the options and loaded. */
    boolean nativeLoops() {
        return options.nativeLoops() && NativeVector.available();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DeviceType deviceType() {
        return DeviceType.CPU;
    }

    /** Every fast CPU kernel, registered in one place: {@link CpuKernels}. */
    @Override
    public void registerKernels(KernelTable table) {
        CpuKernels.register(table);
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.yes(IntraOpPool.threads() + " intra-op threads; " + options + "; GEMM: "
                + CpuGemm.implementation(options.gemm()));
    }

    @Override
    public Storage allocate(DType dtype, int size, Device device) {
        return new CpuStorage(this, dtype, CpuStorage.newArray(dtype, size));
    }

    @Override
    public Storage fromJavaArray(Object array, DType dtype, Device device) {
        Object copy = switch (dtype) {
            case FLOAT32 -> ((float[]) array).clone();
            case FLOAT64 -> ((double[]) array).clone();
            case INT64 -> ((long[]) array).clone();
            case BOOL -> ((boolean[]) array).clone();
        };
        return new CpuStorage(this, dtype, copy);
    }

    @Override
    public Storage wrapJavaArray(Object array, DType dtype, Device device) {
        return new CpuStorage(this, dtype, array);
    }

    @Override
    public Object toJavaArray(View view) {
        CpuStorage dst = new CpuStorage(this, view.dtype(), CpuStorage.newArray(view.dtype(), view.numel()));
        copyInto(view, dst, 0, Shape.contiguousStrides(view.shape()));
        return dst.array();
    }

    /** {@code v} itself when contiguous, else a contiguous copy of it. */
    private View contiguous(View v) {
        if (v.isContiguous()) {
            return v;
        }
        View copy = View.contiguous(allocate(v.dtype(), v.numel(), Device.CPU), v.shape());
        copy(v, copy);
        return copy;
    }

    private static CpuStorage cpu(View t) {
        return (CpuStorage) t.storage();
    }

    @Override
    public void copy(View src, View dst) {
        copyInto(src, cpu(dst), dst.offset(), dst.strides());
    }

    private void copyInto(View src, CpuStorage d, int dOff, int[] dStrides) {
        CpuStorage s = cpu(src);
        int[] shape = src.shape();
        if (s.dtype() == d.dtype() && src.isContiguous()
                && Arrays.equals(dStrides, Shape.contiguousStrides(shape))) {
            System.arraycopy(s.array(), src.offset(), d.array(), dOff, src.numel());
            return;
        }
        boolean f32 = s.dtype() == DType.FLOAT32 && d.dtype() == DType.FLOAT32;
        boolean ints = !s.dtype().isFloatingPoint() && !d.dtype().isFloatingPoint();
        StridedWalk.forEachBlock(shape, new int[][] {src.strides(), dStrides}, new int[] {src.offset(), dOff}, w -> {
            int n = w.inner();
            int is = w.innerStride(0);
            int os = w.innerStride(1);
            do {
                int i = w.offset(0);
                int o = w.offset(1);
                if (f32 && is == 1 && os == 1) {
                    System.arraycopy(s.f32, i, d.f32, o, n);
                } else if (f32) {
                    for (int j = 0; j < n; j++) {
                        d.f32[o + j * os] = s.f32[i + j * is];
                    }
                } else if (ints && d.dtype() == DType.INT64) {
                    for (int j = 0; j < n; j++) {
                        d.i64[o + j * os] = s.getLong(i + j * is);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        d.set(o + j * os, s.get(i + j * is));
                    }
                }
            } while (w.next());
        });
    }

    @Override
    public void fill(View dst, double value) {
        CpuStorage d = cpu(dst);
        StridedWalk.forEachBlock(dst.shape(), new int[][] {dst.strides()}, new int[] {dst.offset()}, w -> {
            int n = w.inner();
            int os = w.innerStride(0);
            do {
                int o = w.offset(0);
                for (int j = 0; j < n; j++) {
                    d.set(o + j * os, value);
                }
            } while (w.next());
        });
    }

    @Override
    public void unary(UnaryOp op, View x, double p, double q, View out) {
        if (nativeLoops() && NativeLoops.unary(op, x, out)) {
            return;
        }
        CpuStorage s = cpu(x);
        CpuStorage d = cpu(out);
        boolean f32 = s.dtype() == DType.FLOAT32 && d.dtype() == DType.FLOAT32;
        StridedWalk.forEachBlock(out.shape(), new int[][] {x.strides(), out.strides()}, new int[] {x.offset(), out.offset()}, w -> {
            int n = w.inner();
            int is = w.innerStride(0);
            int os = w.innerStride(1);
            do {
                int i = w.offset(0);
                int o = w.offset(1);
                if (f32) {
                    ElementwiseLoops.unaryF32(op, p, q, s.f32, i, is, d.f32, o, os, n);
                } else {
                    for (int j = 0; j < n; j++) {
                        d.set(o + j * os, op.apply(s.get(i + j * is), p, q));
                    }
                }
            } while (w.next());
        });
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        CpuStorage sa = cpu(a);
        CpuStorage sb = cpu(b);
        CpuStorage d = cpu(out);
        boolean f32 = sa.dtype() == DType.FLOAT32 && sb.dtype() == DType.FLOAT32 && d.dtype() == DType.FLOAT32;
        boolean i64 = sa.dtype() == DType.INT64 && sb.dtype() == DType.INT64 && d.dtype() == DType.INT64;
        int numel = out.numel();
        if (f32 && StridedWalk.serial(numel) && out.isContiguous() && a.isContiguous()) {
            if (nativeLoops() && NativeLoops.binary(op, a, b, out)) {
                return;
            }
            boolean bRow = b.isContiguous();
            if (bRow || isBroadcastScalar(b)) {
                // small contiguous operands (per-sample transforms): one loop, none of the walk's bookkeeping
                ElementwiseLoops.binaryF32(op, sa.f32, a.offset(), 1, sb.f32, b.offset(), bRow ? 1 : 0,
                        d.f32, out.offset(), 1, numel);
                return;
            }
        }
        StridedWalk.forEachBlock(out.shape(), new int[][] {a.strides(), b.strides(), out.strides()},
                new int[] {a.offset(), b.offset(), out.offset()}, w -> {
                    int n = w.inner();
                    int as = w.innerStride(0);
                    int bs = w.innerStride(1);
                    int os = w.innerStride(2);
                    do {
                        int ia = w.offset(0);
                        int ib = w.offset(1);
                        int o = w.offset(2);
                        if (f32) {
                            ElementwiseLoops.binaryF32(op, sa.f32, ia, as, sb.f32, ib, bs, d.f32, o, os, n);
                        } else if (i64 && op != BinaryOp.DIV && op != BinaryOp.POW) {
                            for (int j = 0; j < n; j++) {
                                d.i64[o + j * os] = ElementwiseLoops.binaryLong(op, sa.i64[ia + j * as], sb.i64[ib + j * bs]);
                            }
                        } else {
                            for (int j = 0; j < n; j++) {
                                d.set(o + j * os, op.apply(sa.get(ia + j * as), sb.get(ib + j * bs)));
                            }
                        }
                    } while (w.next());
                });
    }

    @Override
    public void fillRandom(View dst, CounterRandom.Distribution distribution, long seed) {
        CpuStorage d = cpu(dst);
        int[] shape = dst.shape();
        int[] coord = new int[shape.length];
        int numel = dst.numel();
        for (int i = 0; i < numel; i++) {
            int o = dst.offset();
            for (int k = 0; k < shape.length; k++) {
                o += coord[k] * dst.stride(k);
            }
            d.set(o, distribution == CounterRandom.Distribution.UNIFORM ? CounterRandom.uniform(seed, i)
                    : CounterRandom.normal(seed, i));
            increment(coord, shape);
        }
    }

    /** One element seen at every position: every dimension of size > 1 has stride 0. */
    private static boolean isBroadcastScalar(View t) {
        for (int dim = 0; dim < t.dim(); dim++) {
            if (t.size(dim) != 1 && t.stride(dim) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void axpy(double alpha, View x, View y) {
        CpuStorage sx = cpu(x);
        CpuStorage sy = cpu(y);
        boolean f32 = sx.dtype() == DType.FLOAT32 && sy.dtype() == DType.FLOAT32;
        double a = sy.dtype() == DType.FLOAT32 ? (float) alpha : alpha;
        if (f32 && nativeLoops() && NativeLoops.axpby((float) a, x, 1f, y)) {
            return;   // fma(a, x, y·1) is fma(a, x, y): y·1 is exact
        }
        StridedWalk.forEachBlock(y.shape(), new int[][] {x.strides(), y.strides()}, new int[] {x.offset(), y.offset()}, w -> {
            int n = w.inner();
            int xs = w.innerStride(0);
            int ys = w.innerStride(1);
            do {
                int i = w.offset(0);
                int o = w.offset(1);
                if (f32 && xs == 1 && ys == 1 && i == o) {
                    // Math.fma rounds once, as PyTorch's vectorised add_ does; one index for both
                    // arrays, so that HotSpot vectorises it (see ElementwiseLoops)
                    float af = (float) a;
                    float[] xv = sx.f32;
                    float[] yv = sy.f32;
                    for (int j = o; j < o + n; j++) {
                        yv[j] = Math.fma(af, xv[j], yv[j]);
                    }
                } else if (f32) {
                    float af = (float) a;
                    for (int j = 0; j < n; j++) {
                        sy.f32[o + j * ys] = Math.fma(af, sx.f32[i + j * xs], sy.f32[o + j * ys]);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        sy.set(o + j * ys, sy.get(o + j * ys) + a * sx.get(i + j * xs));
                    }
                }
            } while (w.next());
        });
    }

    @Override
    public void axpby(double alpha, View x, double beta, View y) {
        if (x.dtype() != DType.FLOAT32 || y.dtype() != DType.FLOAT32) {
            Backend.super.axpby(alpha, x, beta, y);
            return;
        }
        float[] xv = ((CpuStorage) x.storage()).f32;
        float[] yv = ((CpuStorage) y.storage()).f32;
        float a = (float) alpha;
        float b = (float) beta;
        if (nativeLoops() && NativeLoops.axpby(a, x, b, y)) {
            return;
        }
        StridedWalk.forEachBlock(y.shape(), new int[][] {x.strides(), y.strides()}, new int[] {x.offset(), y.offset()},
                w -> {
                    int n = w.inner();
                    int xs = w.innerStride(0);
                    int ys = w.innerStride(1);
                    do {
                        int i = w.offset(0);
                        int o = w.offset(1);
                        // (b·y) rounded, then a·x added with one rounding: as mul_(beta) followed by add_(x, alpha)
                        if (xs == 1 && ys == 1 && i == o) {
                            // one index for both arrays, so that HotSpot vectorises it (see ElementwiseLoops)
                            for (int j = o; j < o + n; j++) {
                                yv[j] = Math.fma(a, xv[j], yv[j] * b);
                            }
                        } else {
                            for (int j = 0; j < n; j++) {
                                yv[o + j * ys] = Math.fma(a, xv[i + j * xs], yv[o + j * ys] * b);
                            }
                        }
                    } while (w.next());
                });
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        CpuStorage sc = cpu(cond);
        CpuStorage sa = cpu(a);
        CpuStorage sb = cpu(b);
        CpuStorage d = cpu(out);
        StridedWalk.forEachBlock(out.shape(), new int[][] {cond.strides(), a.strides(), b.strides(), out.strides()},
                new int[] {cond.offset(), a.offset(), b.offset(), out.offset()}, w -> {
                    int n = w.inner();
                    do {
                        for (int j = 0; j < n; j++) {
                            boolean c = sc.get(w.offset(0) + j * w.innerStride(0)) != 0;
                            double v = c ? sa.get(w.offset(1) + j * w.innerStride(1))
                                    : sb.get(w.offset(2) + j * w.innerStride(2));
                            d.set(w.offset(3) + j * w.innerStride(3), v);
                        }
                    } while (w.next());
                });
    }

    @Override
    public void reduceRows(ReduceOp op, View x, View out, View indices) {
        CpuStorage s = cpu(x);
        CpuStorage d = cpu(out);
        CpuStorage idx = indices == null ? null : cpu(indices);
        int[] shape = x.shape();
        int rows = shape[0];
        int n = shape[1];
        int base = x.offset();
        int outOff = out.offset();
        IntraOpPool.parallelFor(rows, Math.max(1, (1 << 14) / Math.max(n, 1)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int start = base + r * n;
                if (op == ReduceOp.SUM) {
                    if (s.dtype() == DType.INT64) {
                        long acc = 0;
                        for (int j = 0; j < n; j++) {
                            acc += s.i64[start + j];
                        }
                        d.i64[outOff + r] = acc;
                    } else if (s.dtype() == DType.FLOAT32) {
                        d.f32[outOff + r] = (float) Sums.sum(s.f32, start, n);
                    } else {
                        double acc = 0;
                        for (int j = 0; j < n; j++) {
                            acc += s.get(start + j);
                        }
                        d.set(outOff + r, acc);
                    }
                } else {
                    boolean max = op == ReduceOp.MAX;
                    int best = 0;
                    double bestValue = s.get(start);
                    for (int j = 1; j < n && !Double.isNaN(bestValue); j++) {
                        double v = s.get(start + j);
                        if (Double.isNaN(v) || (max ? v > bestValue : v < bestValue)) {
                            best = j;
                            bestValue = v;
                        }
                    }
                    d.set(outOff + r, bestValue);
                    if (idx != null) {
                        idx.i64[indices.offset() + r] = best;
                    }
                }
            }
        });
    }

    /**
     * Float32 column sums, each column accumulated in double down the rows in order (the same
     * order for any thread count); columns are split over the pool, or, where one thread does it
     * all, summed by {@link NativeVector#sumColumns} (the same sums).
     */
    boolean sumColumns(View x, View out) {
        if (!CpuViews.f32Contiguous(x, out) || x.dim() != 2) {
            return false;
        }
        int rows = x.size(0);
        int cols = x.size(1);
        float[] in = CpuViews.data(x);
        float[] o = CpuViews.data(out);
        int xOff = x.offset();
        int oOff = out.offset();
        if (nativeLoops() && NativeLoops.sumColumns(x, out)) {
            return true;
        }
        IntraOpPool.parallelFor(cols, Math.max(1, (1 << 15) / Math.max(rows, 1)), (c0, c1) -> {
            double[] acc = new double[c1 - c0];
            for (int r = 0; r < rows; r++) {
                int row = xOff + r * cols + c0;
                for (int j = 0; j < acc.length; j++) {
                    acc[j] += in[row + j];
                }
            }
            for (int j = 0; j < acc.length; j++) {
                o[oOff + c0 + j] = (float) acc[j];
            }
        });
        return true;
    }

    @Override
    public void bmm(View a, View b, View out) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int batches = as[0];
        int m = as[1];
        int k = as[2];
        int n = bs[2];
        int[] ast = a.strides();
        int[] bst = b.strides();
        int[] aLayout = gemmLayout(m, k, ast[1], ast[2]);
        int[] bLayout = gemmLayout(k, n, bst[1], bst[2]);
        if (aLayout == null) {
            a = contiguous(a);
            ast = a.strides();
            aLayout = gemmLayout(m, k, ast[1], ast[2]);
        }
        if (bLayout == null) {
            b = contiguous(b);
            bst = b.strides();
            bLayout = gemmLayout(k, n, bst[1], bst[2]);
        }
        CpuStorage sa = cpu(a);
        CpuStorage sb = cpu(b);
        CpuStorage so = cpu(out);
        final int[] la = aLayout;
        final int[] lb = bLayout;
        final int aBatch = ast[0];
        final int bBatch = bst[0];
        final int aOff = a.offset();
        final int bOff = b.offset();
        final int oOff = out.offset();
        IntraOpPool.RangeBody body = (b0, b1) -> {
            for (int i = b0; i < b1; i++) {
                if (so.dtype() == DType.FLOAT32) {
                    CpuGemm.sgemm(options.gemm(), la[0] == 1, lb[0] == 1, m, n, k, sa.f32, aOff + i * aBatch, la[1],
                            sb.f32, bOff + i * bBatch, lb[1], so.f32, oOff + i * m * n, n);
                } else {
                    CpuGemm.dgemm(la[0] == 1, lb[0] == 1, m, n, k, sa.f64, aOff + i * aBatch, la[1],
                            sb.f64, bOff + i * bBatch, lb[1], so.f64, oOff + i * m * n, n);
                }
            }
        };
        // Many small products: one per thread. Few large ones: GEMM parallelises inside.
        long flopsPerBatch = 2L * m * n * k;
        if (batches > 1 && flopsPerBatch < (1L << 24)) {
            IntraOpPool.parallelFor(batches, 1, body);
        } else {
            body.run(0, batches);
        }
    }

    /**
     * How a {@code rows × cols} matrix with strides (sr, sc) maps onto BLAS: {transposed?1:0, ld},
     * or null when it needs a contiguous copy first.
     */
    private static int[] gemmLayout(int rows, int cols, int sr, int sc) {
        if ((cols == 1 || sc == 1) && (rows == 1 || sr >= Math.max(cols, 1))) {
            return new int[] {0, rows == 1 ? Math.max(cols, 1) : sr};
        }
        if ((rows == 1 || sr == 1) && (cols == 1 || sc >= Math.max(rows, 1))) {
            return new int[] {1, cols == 1 ? Math.max(rows, 1) : sc};
        }
        return null;
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        CpuStorage sx = cpu(x);
        CpuStorage so = cpu(out);
        forEachIndexed(x, dim, index, out, (xo, oo) -> so.set(oo, sx.get(xo)));
    }

    @Override
    public void scatterAdd(View target, int dim, View index, View src) {
        CpuStorage st = cpu(target);
        CpuStorage ss = cpu(src);
        forEachIndexed(target, dim, index, src, (to, so) -> st.set(to, st.get(to) + ss.get(so)));
    }

    @Override
    public void indexSelect(View x, int dim, long[] index, View out) {
        moveSlices(contiguous(x), dim, index, out, false);
    }

    @Override
    public void indexAdd(View target, int dim, long[] index, View src) {
        moveSlices(contiguous(src), dim, index, target, true);
    }

    /**
     * Copies (or, with {@code add}, accumulates) whole slices along {@code dim} between a
     * contiguous {@code source} and a contiguous {@code dest}: for select, dest slice k ← source
     * slice index[k]; for add, dest slice index[k] += source slice k.
     */
    private void moveSlices(View source, int dim, long[] index, View dest, boolean add) {
        int[] shape = source.shape();
        int outer = 1;
        for (int d = 0; d < dim; d++) {
            outer *= shape[d];
        }
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int srcDim = shape[dim];
        int dstDim = dest.size(dim);
        CpuStorage s = cpu(source);
        CpuStorage d = cpu(dest);
        boolean f32 = s.dtype() == DType.FLOAT32 && d.dtype() == DType.FLOAT32;
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < index.length; k++) {
                int from = source.offset() + (o * srcDim + (add ? k : (int) index[k])) * inner;
                int to = dest.offset() + (o * dstDim + (add ? (int) index[k] : k)) * inner;
                if (!add && s.dtype() == d.dtype()) {
                    System.arraycopy(s.array(), from, d.array(), to, inner);
                } else if (f32) {
                    for (int j = 0; j < inner; j++) {
                        d.f32[to + j] += s.f32[from + j];
                    }
                } else {
                    for (int j = 0; j < inner; j++) {
                        d.set(to + j, (add ? d.get(to + j) : 0) + s.get(from + j));
                    }
                }
            }
        }
    }

    /** Receives, for one position of an index tensor, the offsets it addresses in both operands. */
    @FunctionalInterface
    private interface OffsetPair {
        void visit(int indexedOffset, int denseOffset);
    }

    /**
     * Visits every position p of {@code index}: the offset of p in {@code indexed} with coordinate
     * {@code dim} replaced by index[p], and the offset of p itself in {@code dense}.
     */
    private void forEachIndexed(View indexed, int dim, View index, View dense, OffsetPair visitor) {
        long[] idx = (long[]) toJavaArray(index);
        int[] shape = index.shape();
        int[] is = indexed.strides();
        int[] ds = dense.strides();
        int[] coord = new int[shape.length];
        for (int p = 0; p < idx.length; p++) {
            int io = indexed.offset();
            int dOff = dense.offset();
            for (int d = 0; d < shape.length; d++) {
                io += (d == dim ? (int) idx[p] : coord[d]) * is[d];
                dOff += coord[d] * ds[d];
            }
            visitor.visit(io, dOff);
            increment(coord, shape);
        }
    }

    private static void increment(int[] coord, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++coord[d] < shape[d]) {
                return;
            }
            coord[d] = 0;
        }
    }
}
