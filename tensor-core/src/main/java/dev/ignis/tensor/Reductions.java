package dev.ignis.tensor;

import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.kernels.SumColumnsKernel;
import java.util.Arrays;

/**
 * Reductions over dimensions, with keepdim. Every reduction moves the reduced dims to the end
 * and runs the backend's row kernel over a contiguous {@code [kept, reduced]} block; composite
 * reductions (var, logsumexp, norm) are written with recorded ops, so their gradients follow.
 */
final class Reductions {
    private Reductions() {
    }

    /** A tensor laid out as {@code [outer, count]} rows for the backend, and the result shapes. */
    private record Rows(Tensor rows, int count, int[] keepShape, int[] dropShape) {
    }

    /** Normalised, sorted, duplicate-free dims; all dims when {@code dims} is null or empty. */
    static int[] normalizeDims(String op, int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[dims.length];
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int i = 0; i < dims.length; i++) {
            out[i] = Shape.normalizeDim(op, dims[i], rank);
            if (seen[out[i]]) {
                throw new IllegalArgumentException(op + ": dim " + out[i] + " appears multiple times in the list of dims");
            }
            seen[out[i]] = true;
        }
        Arrays.sort(out);
        return rank == 0 ? new int[0] : out;
    }

    /** {@code shape} without the (sorted, distinct) {@code reduced} dims. */
    private static int[] dropShape(int[] shape, int[] reduced) {
        int[] out = new int[shape.length - reduced.length];
        int k = 0;
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (r < reduced.length && reduced[r] == d) {
                r++;
            } else {
                out[k++] = shape[d];
            }
        }
        return out;
    }

    private static Rows rows(Tensor x, int[] reduced) {
        int rank = x.dim();
        int[] shape = x.shape();
        int[] strides = x.strides();
        boolean[] isReduced = new boolean[rank];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        int[] permShape = new int[rank];
        int[] permStrides = new int[rank];
        int[] keepShape = shape.clone();
        int[] dropShape = dropShape(shape, reduced);
        int k = 0;
        int outer = 1;
        for (int d = 0; d < rank; d++) {
            if (!isReduced[d]) {
                permShape[k] = shape[d];
                permStrides[k++] = strides[d];
                outer *= shape[d];
            }
        }
        int count = 1;
        for (int d : reduced) {
            permShape[k] = shape[d];
            permStrides[k++] = strides[d];
            keepShape[d] = 1;
            count *= shape[d];
        }
        Tensor permuted = x.viewOf(permShape, permStrides, x.offset());
        if (permuted.isContiguous()) {
            // the reduced dims already trail: the rows are x's own memory
            return new Rows(x.viewOf(new int[] {outer, count}, new int[] {count, 1}, x.offset()), count, keepShape,
                    dropShape);
        }
        Tensor block = Tensor.zeros(x.dtype(), x.device(), permShape);
        x.backend().copy(permuted.asView(), block.asView());
        return new Rows(block.viewOf(new int[] {outer, count}, new int[] {count, 1}, 0), count, keepShape, dropShape);
    }

    /**
     * The sums of {@code r}'s rows as a 1-D tensor. When x is contiguous and the reduced dims end
     * with a run of trailing dims but include others too (a per-channel sum over N, H, W), the
     * trailing run is summed first straight from x's memory, so only the much smaller partial
     * sums are rearranged, not x.
     */
    private static Tensor sumRows(Tensor x, int[] reduced) {
        int rank = x.dim();
        if (x.isContiguous() && reduced.length < rank && reduced[reduced.length - 1] == reduced.length - 1) {
            // leading dims only (a bias gradient's sum over the batch): sum down the columns of x
            // where it lies, rather than transposing it so that its columns become rows
            int cols = 1;
            for (int d = reduced.length; d < rank; d++) {
                cols *= x.size(d);
            }
            int rows = cols == 0 ? 0 : x.numel() / cols;
            Tensor out = Tensor.zeros(x.dtype(), x.device(), cols);
            if (rows > 0 && x.dtype().isFloatingPoint()) {
                Kernels.of(SumColumnsKernel.FAMILY, x).run(x.backend(),
                        x.viewOf(new int[] {rows, cols}, new int[] {cols, 1}, x.offset()).asView(), out.asView());
                return out;
            }
        }
        int suffix = rank;
        for (int i = reduced.length - 1; i >= 0 && reduced[i] == suffix - 1; i--) {
            suffix--;
        }
        boolean split = x.isContiguous() && suffix < rank && suffix > reduced[0] && x.dtype() != DType.BOOL;
        if (!split) {
            Rows r = rows(x, reduced);
            Tensor out = Tensor.zeros(x.dtype(), x.device(), r.rows().size(0));
            x.backend().reduceRows(ReduceOp.SUM, r.rows().asView(), out.asView(), null);
            return out;
        }
        int[] trailing = new int[rank - suffix];
        for (int i = 0; i < trailing.length; i++) {
            trailing[i] = suffix + i;
        }
        Rows inner = rows(x, trailing);
        Tensor partial = Tensor.zeros(x.dtype(), x.device(), inner.rows().size(0));
        x.backend().reduceRows(ReduceOp.SUM, inner.rows().asView(), partial.asView(), null);
        int[] leading = Arrays.copyOf(x.shape(), suffix);
        Tensor y = partial.viewOf(leading, Shape.contiguousStrides(leading), 0);
        int[] rest = Arrays.copyOf(reduced, reduced.length - trailing.length);
        Rows outer = rows(y, rest);
        Tensor out = Tensor.zeros(x.dtype(), x.device(), outer.rows().size(0));
        x.backend().reduceRows(ReduceOp.SUM, outer.rows().asView(), out.asView(), null);
        return out;
    }

    /** Σ over dims. Integer and bool inputs sum to int64. Backward: g broadcast back. */
    static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        return sumScaled("SumBackward1", x, dims, keepdim, false);
    }

    /** Σ / n over dims (floating types only). Backward: g / n broadcast back. */
    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("mean(): could not infer output dtype. Input dtype must be either a floating"
                    + " point or complex dtype. Got: " + x.dtype());
        }
        return sumScaled("MeanBackward1", x, dims, keepdim, true);
    }

    private static Tensor sumScaled(String node, Tensor x, int[] dims, boolean keepdim, boolean divide) {
        int[] reduced = normalizeDims(node.startsWith("Sum") ? "sum" : "mean", dims, x.dim());
        Tensor in = x.dtype().isFloatingPoint() ? x : Pointwise.castRaw(x, DType.INT64);
        Tensor out = sumRows(in, reduced);
        int[] keep = x.shape();
        int reducedCount = 1;
        for (int d : reduced) {
            reducedCount *= keep[d];
            keep[d] = 1;
        }
        int count = reducedCount;
        int[] resultShape = keepdim ? keep : dropShape(x.shape(), reduced);
        Tensor result = out.viewOf(resultShape, Shape.contiguousStrides(resultShape), 0);
        if (divide) {
            result = Pointwise.binaryKernel("mean", dev.ignis.backend.BinaryOp.DIV, result,
                    Tensor.full(count, result.dtype(), result.device()));
        }
        int[] in0 = x.shape();
        return Autograd.record(node, result, x, (g, ctx) -> {
            Tensor back = g.reshape(keep).expand(in0);
            return new Tensor[] {divide ? back.div(count) : back};
        });
    }

    /** max/min along one dim with the first arg index; the gradient goes to that index. */
    static ValuesIndices extreme(Tensor x, int dim, boolean keepdim, boolean max) {
        String op = max ? "max" : "min";
        int d = Shape.normalizeDim(op, dim, x.dim());
        if (x.dim() > 0 && x.size(d) == 0) {
            throw new IllegalArgumentException(op + "(): Expected reduction dim " + d + " to have non-zero size.");
        }
        Rows r = rows(x, x.dim() == 0 ? new int[0] : new int[] {d});
        int outer = r.rows().size(0);
        Tensor values = Tensor.zeros(x.dtype(), x.device(), outer);
        Tensor indices = Tensor.zeros(DType.INT64, x.device(), outer);
        x.backend().reduceRows(max ? ReduceOp.MAX : ReduceOp.MIN, r.rows().asView(), values.asView(),
                Tensor.operand(indices));
        int[] resultShape = keepdim ? r.keepShape() : r.dropShape();
        int[] strides = Shape.contiguousStrides(resultShape);
        Tensor v = values.viewOf(resultShape, strides, 0);
        Tensor idx = indices.viewOf(resultShape, strides, 0);
        int[] in = x.shape();
        int[] keep = r.keepShape();
        Autograd.record(max ? "MaxBackward0" : "MinBackward0", v, x, (g, ctx) -> {
            Tensor full = Tensor.zeros(g.dtype(), g.device(), in);
            if (in.length == 0) {
                return new Tensor[] {g.reshape(in)};
            }
            full.backend().scatterAdd(full.asView(), d, idx.reshape(keep).asView(), g.reshape(keep).asView());
            return new Tensor[] {full};
        });
        return new ValuesIndices(v, idx);
    }

    /** max over several dims (recorded, via a reshape to one trailing dim). */
    static Tensor amax(Tensor x, int[] dims, boolean keepdim, boolean max) {
        int[] reduced = normalizeDims(max ? "amax" : "amin", dims, x.dim());
        int rank = x.dim();
        if (rank == 0) {
            return x;
        }
        boolean[] isReduced = new boolean[rank];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        int[] perm = new int[rank];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (!isReduced[d]) {
                perm[k++] = d;
            }
        }
        for (int d : reduced) {
            perm[k++] = d;
        }
        int[] shape = x.shape();
        int[] flat = new int[rank - reduced.length + 1];
        int[] keepShape = shape.clone();
        for (int i = 0; i < rank - reduced.length; i++) {
            flat[i] = shape[perm[i]];
        }
        flat[flat.length - 1] = -1;
        for (int d : reduced) {
            keepShape[d] = 1;
        }
        Tensor values = extreme(x.permute(perm).reshape(flat), -1, false, max).values();
        return keepdim ? values.reshape(keepShape) : values;
    }

    /** Σ(x − mean)² / (n − 1 if unbiased else n). */
    static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) {
        int[] reduced = normalizeDims("var", dims, x.dim());
        int n = 1;
        for (int d : reduced) {
            n *= x.size(d);
        }
        Tensor centered = x.sub(x.mean(reduced, true));
        return centered.mul(centered).sum(reduced, keepdim).div(Math.max(n - (unbiased ? 1 : 0), 0));
    }

    /** m + log Σ e^(x − m), m the (detached) max, so large inputs do not overflow. */
    static Tensor logsumexp(Tensor x, int[] dims, boolean keepdim) {
        int[] reduced = normalizeDims("logsumexp", dims, x.dim());
        Tensor m;
        try (var ignored = dev.ignis.autograd.GradMode.noGrad()) {
            m = amax(x, reduced, true, true);
            Tensor finite = m.abs().lt(Double.POSITIVE_INFINITY);
            m = Tensor.where(finite, m, Tensor.zerosLike(m));
        }
        Tensor result = x.sub(m).exp().sum(reduced, true).log().add(m);
        if (keepdim) {
            return result;
        }
        int[] keep = result.shape();
        int[] drop = new int[keep.length - reduced.length];
        for (int d = 0, k = 0, r = 0; d < keep.length; d++) {
            if (r < reduced.length && reduced[r] == d) {
                r++;
            } else {
                drop[k++] = keep[d];
            }
        }
        return result.reshape(drop);
    }

    /** (Σ|x|^p)^(1/p); p = ∞ is max |x|, p = 0 counts nonzeros. */
    static Tensor norm(Tensor x, double p, int[] dims, boolean keepdim) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("norm(): input dtype should be floating point, got " + x.dtype());
        }
        if (p == 2) {
            return x.mul(x).sum(dims, keepdim).sqrt();
        } else if (p == 1) {
            return x.abs().sum(dims, keepdim);
        } else if (p == Double.POSITIVE_INFINITY) {
            return amax(x.abs(), dims, keepdim, true);
        } else if (p == Double.NEGATIVE_INFINITY) {
            return amax(x.abs(), dims, keepdim, false);
        } else if (p == 0) {
            return x.ne(Tensor.zerosLike(x)).to(x.dtype()).sum(dims, keepdim);
        }
        return x.abs().pow(p).sum(dims, keepdim).pow(1.0 / p);
    }
}
