package dev.ignis.tensor;

import java.util.Arrays;

/**
 * Ops that return views sharing storage (view, permute, expand, slice, ...) and the copies that
 * make tensors contiguous or move them between devices. A view's backward maps the gradient back
 * to the input's shape.
 */
final class Views {
    private Views() {
    }

    /** Replaces a single -1 by the size that keeps numel, or fails naming both shapes. */
    static int[] inferShape(String op, int[] requested, int numel) {
        int[] shape = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be inferred");
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid shape dimension " + shape[i]);
            } else {
                known *= shape[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": shape '" + Shape.format(requested)
                        + "' is invalid for input of size " + numel);
            }
            shape[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape '" + Shape.format(requested) + "' is invalid for input of size "
                    + numel);
        }
        return shape;
    }

    /**
     * Strides that let {@code newShape} view the same elements as (oldShape, oldStrides), or null
     * when the old layout cannot be re-viewed without a copy. Walks the old dims from the back in
     * "chunks" of dims that are contiguous with each other; each chunk must be split or merged
     * exactly by new dims.
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int[] newStrides = new int[newShape.length];
        if (Shape.numel(oldShape) == 0 || oldShape.length == 0) {
            return Shape.contiguousStrides(newShape);
        }
        int viewDim = newShape.length - 1;
        int chunkBaseStride = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            boolean chunkEnds = d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBaseStride);
            if (chunkEnds) {
                while (viewDim >= 0 && (viewNumel < tensorNumel || newShape[viewDim] == 1)) {
                    newStrides[viewDim] = (int) (viewNumel * chunkBaseStride);
                    viewNumel *= newShape[viewDim];
                    viewDim--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBaseStride = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewDim == -1 ? newStrides : null;
    }

    static Tensor view(Tensor x, int[] requested) {
        int[] shape = inferShape("view", requested, x.numel());
        int[] strides = viewStrides(x.shape(), x.strides(), shape);
        if (strides == null) {
            throw new IllegalArgumentException("view size is not compatible with input tensor's size and stride (at least"
                    + " one dimension spans across two contiguous subspaces): input " + Shape.format(x.shape())
                    + " with strides " + Shape.format(x.strides()) + ", requested " + Shape.format(shape)
                    + ". Use .reshape(...) instead.");
        }
        Tensor out = x.viewOf(shape, strides, x.offset());
        int[] in = x.shape();
        return Autograd.record("ViewBackward0", out, x, (g, ctx) -> new Tensor[] {g.reshape(in)});
    }

    static Tensor reshape(Tensor x, int[] requested) {
        int[] shape = inferShape("reshape", requested, x.numel());
        if (viewStrides(x.shape(), x.strides(), shape) != null) {
            return view(x, shape);
        }
        return view(copy(x, "CloneBackward0"), shape);
    }

    static Tensor flatten(Tensor x, int start, int end) {
        int rank = x.dim();
        if (rank == 0) {
            return x.reshape(1);
        }
        int s = Shape.normalizeDim("flatten", start, rank);
        int e = Shape.normalizeDim("flatten", end, rank);
        if (s > e) {
            throw new IllegalArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        }
        int[] shape = x.shape();
        int[] out = new int[rank - (e - s)];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (d <= s || d > e) {
                out[k++] = shape[d];
            } else {
                out[k - 1] *= shape[d];
            }
        }
        return x.reshape(out);
    }

    static Tensor permute(Tensor x, int[] dims) {
        int rank = x.dim();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute(sparse_coo): number of dimensions in the tensor input does not match"
                    + " the length of the desired ordering of dimensions i.e. input.dim() = " + rank + " is not equal to"
                    + " len(dims) = " + dims.length);
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] newShape = new int[rank];
        int[] newStrides = new int[rank];
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shape.normalizeDim("permute", dims[i], rank);
            if (seen[d]) {
                throw new IllegalArgumentException("permute(): duplicate dims are not allowed: " + Arrays.toString(dims));
            }
            seen[d] = true;
            newShape[i] = shape[d];
            newStrides[i] = strides[d];
            inverse[d] = i;
        }
        Tensor out = x.viewOf(newShape, newStrides, x.offset());
        return Autograd.record("PermuteBackward0", out, x, (g, ctx) -> new Tensor[] {g.permute(inverse)});
    }

    static Tensor transpose(Tensor x, int dim0, int dim1) {
        int rank = x.dim();
        if (rank == 0) {
            return x;
        }
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = i;
        }
        int a = Shape.normalizeDim("transpose", dim0, rank);
        int b = Shape.normalizeDim("transpose", dim1, rank);
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    /** The expand view without autograd (for kernels that read broadcast operands). */
    static Tensor expandRaw(Tensor x, int[] target) {
        int[] shape = x.shape();
        if (Arrays.equals(shape, target)) {
            return x;
        }
        int[] strides = x.strides();
        int lead = target.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + target.length + ") must be greater"
                    + " or equal to the number of dimensions in the tensor (" + shape.length + ")");
        }
        int[] newShape = new int[target.length];
        int[] newStrides = new int[target.length];
        for (int d = 0; d < target.length; d++) {
            int want = target[d];
            if (d < lead) {
                if (want < 0) {
                    throw new IllegalArgumentException("expand: -1 is not allowed in a leading, non-existing dimension");
                }
                newShape[d] = want;
                newStrides[d] = 0;
            } else {
                int have = shape[d - lead];
                if (want == -1 || want == have) {
                    newShape[d] = have;
                    newStrides[d] = strides[d - lead];
                } else if (have == 1) {
                    newShape[d] = want;
                    newStrides[d] = 0;
                } else {
                    throw new IllegalArgumentException("expand: the expanded size of the tensor (" + want + ") must match"
                            + " the existing size (" + have + ") at non-singleton dimension " + d + ".  Target sizes: "
                            + Shape.format(target) + ".  Tensor sizes: " + Shape.format(shape));
                }
            }
        }
        return x.viewOf(newShape, newStrides, x.offset());
    }

    static Tensor expand(Tensor x, int[] target) {
        Tensor out = expandRaw(x, target);
        if (out == x) {
            return x;
        }
        int[] in = x.shape();
        return Autograd.record("ExpandBackward0", out, x, (g, ctx) -> new Tensor[] {Pointwise.sumTo(g, in)});
    }

    static Tensor squeeze(Tensor x, int dim, boolean all) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int only = all || shape.length == 0 ? -1 : Shape.normalizeDim("squeeze", dim, shape.length);
        int[] newShape = new int[shape.length];
        int[] newStrides = new int[shape.length];
        int k = 0;
        for (int d = 0; d < shape.length; d++) {
            boolean drop = shape[d] == 1 && (all || d == only);
            if (!drop) {
                newShape[k] = shape[d];
                newStrides[k++] = strides[d];
            }
        }
        if (k == shape.length) {
            return x;
        }
        Tensor out = x.viewOf(Arrays.copyOf(newShape, k), Arrays.copyOf(newStrides, k), x.offset());
        return Autograd.record("SqueezeBackward0", out, x, (g, ctx) -> new Tensor[] {g.reshape(shape)});
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int d = Shape.normalizeDim("unsqueeze", dim, shape.length + 1);
        int[] newShape = new int[shape.length + 1];
        int[] newStrides = new int[shape.length + 1];
        for (int i = 0, k = 0; i <= shape.length; i++) {
            if (i == d) {
                newShape[i] = 1;
                newStrides[i] = d < shape.length ? strides[d] * shape[d] : 1;
            } else {
                newShape[i] = shape[k];
                newStrides[i] = strides[k++];
            }
        }
        Tensor out = x.viewOf(newShape, newStrides, x.offset());
        return Autograd.record("UnsqueezeBackward0", out, x, (g, ctx) -> new Tensor[] {g.reshape(shape)});
    }

    /** The raw strided slice {@code x[..., start:end:step, ...]} along dim, bounds already clamped. */
    static Tensor sliceRaw(Tensor x, int dim, int start, int end, int step) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int length = end <= start ? 0 : (end - start + step - 1) / step;
        int offset = x.offset() + (length == 0 ? 0 : start * strides[dim]);
        shape[dim] = length;
        strides[dim] *= step;
        return x.viewOf(shape, strides, offset);
    }

    static Tensor slice(Tensor x, int dim, int start, int end, int step, String op) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException(op + "() cannot be applied to a 0-dim tensor.");
        }
        int d = Shape.normalizeDim(op, dim, x.dim());
        int size = x.size(d);
        if (step <= 0) {
            throw new IllegalArgumentException(op + ": step must be positive, got " + step);
        }
        int s = clampIndex(start, size);
        int e = Math.max(s, clampIndex(end, size));
        Tensor out = sliceRaw(x, d, s, e, step);
        int[] in = x.shape();
        return Autograd.record("SliceBackward0", out, x, (g, ctx) -> {
            Tensor full = Tensor.zeros(g.dtype(), g.device(), in);
            full.backend().copy(g.asView(), sliceRaw(full, d, s, e, step).asView());
            return new Tensor[] {full};
        });
    }

    private static int clampIndex(int i, int size) {
        int v = i < 0 ? i + size : i;
        return Math.max(0, Math.min(v, size));
    }

    static Tensor select(Tensor x, int dim, int index) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException("select() cannot be applied to a 0-dim tensor.");
        }
        int d = Shape.normalizeDim("select", dim, x.dim());
        int size = x.size(d);
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("select(): index " + index + " out of range for tensor of size "
                    + Shape.format(x.shape()) + " at dimension " + d);
        }
        int i = index < 0 ? index + size : index;
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] newShape = new int[shape.length - 1];
        int[] newStrides = new int[shape.length - 1];
        for (int k = 0, j = 0; k < shape.length; k++) {
            if (k != d) {
                newShape[j] = shape[k];
                newStrides[j++] = strides[k];
            }
        }
        Tensor out = x.viewOf(newShape, newStrides, x.offset() + i * strides[d]);
        return Autograd.record("SelectBackward0", out, x, (g, ctx) -> {
            Tensor full = Tensor.zeros(g.dtype(), g.device(), shape);
            full.backend().copy(g.asView(), full.viewOf(newShape, newStrides(full, d), i * full.stride(d)).asView());
            return new Tensor[] {full};
        });
    }

    private static int[] newStrides(Tensor full, int dropped) {
        int[] s = full.strides();
        int[] out = new int[s.length - 1];
        for (int k = 0, j = 0; k < s.length; k++) {
            if (k != dropped) {
                out[j++] = s[k];
            }
        }
        return out;
    }

    /** A contiguous copy; the gradient passes through unchanged. */
    static Tensor copy(Tensor x, String node) {
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        x.backend().copy(x.asView(), out.asView());
        return Autograd.record(node, out, x, (g, ctx) -> new Tensor[] {g});
    }

    /** A copy on another device; the gradient moves back. */
    static Tensor toDevice(Tensor x, Device device) {
        Tensor c = x.contiguous().detach();
        Object data = c.backend().toJavaArray(c.asView());
        Tensor out = new Tensor(dev.ignis.backend.Backends.forDevice(device).fromJavaArray(data, x.dtype(), device),
                x.shape(), Shape.contiguousStrides(x.shape()), 0);
        Device from = x.device();
        return Autograd.record("ToCopyBackward0", out, x, (g, ctx) -> new Tensor[] {g.to(from)});
    }
}
