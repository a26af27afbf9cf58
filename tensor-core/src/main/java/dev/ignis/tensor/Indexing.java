package dev.ignis.tensor;

import java.util.ArrayList;
import java.util.List;

/** Joining, splitting and index-driven ops (gather, scatter_add, index_select, embedding, one_hot). */
final class Indexing {
    private Indexing() {
    }

    /** Concatenation along dim; backward: each input gets its slice of the gradient. */
    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat(): expected a non-empty list of Tensors");
        }
        Tensor first = tensors.get(0);
        int d = Shape.normalizeDim("cat", dim, first.dim());
        int[] shape = first.shape();
        DType type = first.dtype();
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            Pointwise.checkSameDevice("cat", first, t);
            int[] s = t.shape();
            if (s.length != shape.length) {
                throw new IllegalArgumentException("cat(): Tensors must have same number of dimensions: got " + shape.length
                        + " and " + s.length + " (tensor " + i + ")");
            }
            for (int k = 0; k < s.length; k++) {
                if (k != d && s[k] != shape[k]) {
                    throw new IllegalArgumentException("cat(): Sizes of tensors must match except in dimension " + d
                            + ". Expected size " + shape[k] + " but got size " + s[k] + " for tensor number " + i
                            + " in the list.");
                }
            }
            total += s[d];
            type = DType.promote(type, t.dtype());
        }
        shape[d] = total;
        Tensor out = Tensor.zeros(type, first.device(), shape);
        int[] sizes = new int[tensors.size()];
        int offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            sizes[i] = t.size(d);
            out.backend().copy(t.asView(), Views.sliceRaw(out, d, offset, offset + sizes[i], 1).asView());
            offset += sizes[i];
        }
        return Autograd.record("CatBackward0", out, tensors.toArray(new Tensor[0]), null, (g, ctx) -> {
            Tensor[] grads = new Tensor[sizes.length];
            int start = 0;
            for (int i = 0; i < sizes.length; i++) {
                grads[i] = ctx.needsGrad(i) ? g.narrow(d, start, sizes[i]) : null;
                start += sizes[i];
            }
            return grads;
        });
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack expects a non-empty TensorList");
        }
        int[] shape = tensors.get(0).shape();
        int d = Shape.normalizeDim("stack", dim, shape.length + 1);
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            if (!java.util.Arrays.equals(tensors.get(i).shape(), shape)) {
                throw new IllegalArgumentException("stack expects each tensor to be equal size, but got "
                        + Shape.format(shape) + " at entry 0 and " + Shape.format(tensors.get(i).shape()) + " at entry " + i);
            }
            expanded.add(tensors.get(i).unsqueeze(d));
        }
        return cat(expanded, d);
    }

    static List<Tensor> split(Tensor x, int splitSize, int dim) {
        int d = Shape.normalizeDim("split", dim, x.dim());
        if (splitSize <= 0) {
            throw new IllegalArgumentException("split expects split_size be positive, but got split_size=" + splitSize);
        }
        List<Tensor> parts = new ArrayList<>();
        for (int start = 0; start < x.size(d); start += splitSize) {
            parts.add(x.narrow(d, start, Math.min(splitSize, x.size(d) - start)));
        }
        if (parts.isEmpty()) {
            parts.add(x);
        }
        return parts;
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shape.normalizeDim("split", dim, x.dim());
        int sum = 0;
        for (int s : sizes) {
            sum += s;
        }
        if (sum != x.size(d)) {
            throw new IllegalArgumentException("split_with_sizes expects split_sizes to sum exactly to " + x.size(d)
                    + " (input tensor's size at dimension " + d + "), but got split_sizes=" + java.util.Arrays.toString(sizes));
        }
        List<Tensor> parts = new ArrayList<>();
        int start = 0;
        for (int s : sizes) {
            parts.add(x.narrow(d, start, s));
            start += s;
        }
        return parts;
    }

    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk expects `chunks` to be greater than 0, got: " + chunks);
        }
        int d = Shape.normalizeDim("chunk", dim, x.dim());
        int size = x.size(d);
        return split(x, Math.max(1, (size + chunks - 1) / chunks), d);
    }

    /**
     * {@code index}'s values, after checking its dtype (int64) and that each lies in [0, bound);
     * the errors name the op and the bad value.
     */
    private static long[] checkedIndices(String op, Tensor index, int bound) {
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + "(): Expected dtype int64 for index, got " + index.dtype());
        }
        long[] values = index.toLongArray();
        for (long v : values) {
            if (v < 0 || v >= bound) {
                throw new IndexOutOfBoundsException(op + "(): index " + v + " is out of bounds for dimension with size "
                        + bound);
            }
        }
        return values;
    }

    /** out[i][j] = x[index[i][j]][j] (dim 0) etc.; backward: scatter_add of g at index. */
    static Tensor gather(Tensor x, int dim, Tensor index) {
        Kernels.checkSameDevice("gather", x, index);
        int d = Shape.normalizeDim("gather", dim, x.dim());
        int[] xs = x.shape();
        int[] is = index.shape();
        if (is.length != xs.length) {
            throw new IllegalArgumentException("gather(): Index tensor must have the same number of dimensions as input"
                    + " tensor: " + Shape.format(is) + " vs " + Shape.format(xs));
        }
        for (int k = 0; k < xs.length; k++) {
            if (k != d && is[k] > xs[k]) {
                throw new IllegalArgumentException("gather(): Size does not match at dimension " + k + " expected index "
                        + Shape.format(is) + " to be smaller than self " + Shape.format(xs) + " apart from dimension " + d);
            }
        }
        checkedIndices("gather", index, xs[d]);
        Tensor out = Tensor.zeros(x.dtype(), x.device(), is);
        x.backend().gather(x.asView(), d, index.asView(), out.asView());
        return Autograd.record("GatherBackward0", out, Autograd.of(x), Autograd.of(index), (g, ctx) -> {
            Tensor full = Tensor.zeros(g.dtype(), g.device(), xs);
            full.backend().scatterAdd(full.asView(), d, ctx.saved(0).asView(), g.asView());
            return new Tensor[] {full};
        });
    }

    /** A copy of x with src added at index along dim; backward: g to x, g gathered at index to src. */
    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        Kernels.checkSameDevice("scatter_add", x, index, src);
        int d = Shape.normalizeDim("scatter_add", dim, x.dim());
        int[] xs = x.shape();
        int[] is = index.shape();
        int[] ss = src.shape();
        if (is.length != xs.length || ss.length != xs.length) {
            throw new IllegalArgumentException("scatter_add(): Index tensor must have the same number of dimensions as self"
                    + " and src: self " + Shape.format(xs) + ", index " + Shape.format(is) + ", src " + Shape.format(ss));
        }
        for (int k = 0; k < xs.length; k++) {
            if (is[k] > ss[k] || (k != d && is[k] > xs[k])) {
                throw new IllegalArgumentException("scatter_add(): Expected index " + Shape.format(is)
                        + " to be smaller than self " + Shape.format(xs) + " apart from dimension " + d
                        + " and to be smaller size than src " + Shape.format(ss));
            }
        }
        checkedIndices("scatter_add", index, xs[d]);
        Tensor out = Views.copy(x.detach(), "CloneBackward0");
        Tensor srcView = src.viewOf(is, src.strides(), src.offset());
        out.backend().scatterAdd(out.asView(), d, index.asView(), Pointwise.castRaw(srcView, x.dtype()).asView());
        return Autograd.record("ScatterAddBackward0", out, Autograd.of(x, src), Autograd.of(index), (g, ctx) -> {
            Tensor gs = null;
            if (ctx.needsGrad(1)) {
                Tensor picked = gather(g, d, ctx.saved(0));
                if (java.util.Arrays.equals(is, ss)) {
                    gs = picked;
                } else {
                    gs = Tensor.zeros(g.dtype(), g.device(), ss);
                    gs.backend().copy(picked.asView(), gs.viewOf(is, gs.strides(), 0).asView());
                }
            }
            return new Tensor[] {g, gs};
        });
    }

    /** Picks entries {@code index} (1-D int64) along dim; backward: index_add of g. */
    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        Kernels.checkSameDevice("index_select", x, index);
        if (index.dim() > 1) {
            throw new IllegalArgumentException("index_select(): Index is supposed to be a vector, got "
                    + Shape.format(index.shape()));
        }
        int d = Shape.normalizeDim("index_select", dim, x.dim());
        long[] idx = checkedIndices("index_select", index, x.size(d));
        int[] outShape = x.shape();
        outShape[d] = idx.length;
        Tensor out = Tensor.zeros(x.dtype(), x.device(), outShape);
        x.backend().indexSelect(x.asView(), d, idx, out.asView());
        int[] in = x.shape();
        return Autograd.record("IndexSelectBackward0", out, x, (g, ctx) -> {
            Tensor full = Tensor.zeros(g.dtype(), g.device(), in);
            full.backend().indexAdd(full.asView(), d, idx, g.asView());
            return new Tensor[] {full};
        });
    }

    /** Rows of {@code weight} ([num, dim]) at {@code indices} (any shape, int64): shape indices + [dim]. */
    static Tensor embedding(Tensor weight, Tensor indices) {
        Kernels.checkSameDevice("embedding", weight, indices);
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be 2-D [num_embeddings, embedding_dim], got "
                    + Shape.format(weight.shape()));
        }
        int[] shape = java.util.Arrays.copyOf(indices.shape(), indices.dim() + 1);
        shape[indices.dim()] = weight.size(1);
        return indexSelect(weight, 0, indices.reshape(-1)).reshape(shape);
    }

    /** int64 one-hot encoding with a trailing dim of numClasses (-1: max index + 1). */
    static Tensor oneHot(Tensor indices, int numClasses) {
        if (indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException("one_hot is only applicable to index tensor (int64), got " + indices.dtype());
        }
        long[] values = indices.toLongArray();
        long max = -1;
        for (long v : values) {
            if (v < 0) {
                throw new IllegalArgumentException("one_hot: Class values must be non-negative, got " + v);
            }
            max = Math.max(max, v);
        }
        int classes = numClasses == -1 ? (int) max + 1 : numClasses;
        if (max >= classes) {
            throw new IllegalArgumentException("one_hot: Class values must be smaller than num_classes (" + classes
                    + "), got " + max);
        }
        return indices.unsqueeze(-1).eq(Tensor.arange(classes).to(indices.device())).to(DType.INT64);
    }
}
