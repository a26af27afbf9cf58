package dev.ignis.backend;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Shape;
import java.util.Arrays;

/**
 * What a kernel sees of a tensor: a strided window onto a {@link Storage}. Element
 * {@code [i0, ..., ik]} lives at {@code offset + Σ i_d·strides[d]}; broadcast dimensions have
 * stride 0. A view knows nothing of autograd, so kernels cannot re-enter the tensor layer.
 *
 * <p>The arrays are shared, not copied: neither a view nor a kernel modifies them.
 *
 * @param storage the elements, owned by the storage's backend
 * @param shape   the size of each dimension
 * @param strides the storage step of each dimension, in elements
 * @param offset  the storage index of element {@code [0, ..., 0]}
 */
public record View(Storage storage, int[] shape, int[] strides, int offset) {

    /** A contiguous row-major view of {@code shape} at the start of {@code storage}. */
    public static View contiguous(Storage storage, int... shape) {
        return new View(storage, shape, Shape.contiguousStrides(shape), 0);
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    public int dim() {
        return shape.length;
    }

    /** The size of dimension {@code d} (no negative indices: kernels get checked operands). */
    public int size(int d) {
        return shape[d];
    }

    public int stride(int d) {
        return strides[d];
    }

    public int numel() {
        return Shape.numel(shape);
    }

    /** Row-major without gaps (dimensions of size 1 may have any stride). */
    public boolean isContiguous() {
        return Shape.isContiguous(shape, strides);
    }

    /** The same elements seen as {@code newShape}; only for a contiguous view. */
    public View reshape(int... newShape) {
        if (!isContiguous() || Shape.numel(newShape) != numel()) {
            throw new IllegalArgumentException("view: cannot reshape " + Shape.format(shape) + " with strides "
                    + Shape.format(strides) + " to " + Shape.format(newShape));
        }
        return new View(storage, newShape, Shape.contiguousStrides(newShape), offset);
    }

    /** The slice at {@code index} along {@code dim}, one dimension fewer. */
    public View select(int dim, int index) {
        int[] s = new int[shape.length - 1];
        int[] st = new int[shape.length - 1];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (d != dim) {
                s[j] = shape[d];
                st[j++] = strides[d];
            }
        }
        return new View(storage, s, st, offset + index * strides[dim]);
    }

    /** Dimensions reordered: dimension {@code d} of the result is {@code order[d]} of this view. */
    public View permute(int... order) {
        int[] s = new int[order.length];
        int[] st = new int[order.length];
        for (int d = 0; d < order.length; d++) {
            s[d] = shape[order[d]];
            st[d] = strides[order[d]];
        }
        return new View(storage, s, st, offset);
    }

    /** This view seen as {@code newShape}, size-1 dimensions (leading ones added) read with stride 0. */
    public View expand(int... newShape) {
        int[] st = new int[newShape.length];
        int lead = newShape.length - shape.length;
        for (int d = 0; d < shape.length; d++) {
            st[lead + d] = shape[d] == 1 && newShape[lead + d] != 1 ? 0 : strides[d];
        }
        return new View(storage, newShape, st, offset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof View v && v.storage == storage && v.offset == offset && Arrays.equals(v.shape, shape)
                && Arrays.equals(v.strides, strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * System.identityHashCode(storage) + Arrays.hashCode(shape)) + offset;
    }

    @Override
    public String toString() {
        return "View" + Shape.format(shape) + " strides " + Shape.format(strides) + " +" + offset + " " + dtype()
                + " on " + device();
    }
}
