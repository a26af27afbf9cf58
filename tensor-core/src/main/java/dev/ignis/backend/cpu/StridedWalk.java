package dev.ignis.backend.cpu;

/**
 * Walks the rows of an n-dimensional index space for several operands at once: every position
 * of all dimensions but the last, keeping each operand's element offset. Kernels run their inner
 * loop over the last dimension with {@link #innerStride(int)}.
 *
 * <pre>{@code
 * StridedWalk w = new StridedWalk(shape, new int[][] {xStrides, outStrides}, new int[] {xOff, outOff});
 * do { for (int j = 0; j < w.inner(); j++) ... w.offset(0) + j * w.innerStride(0) ... } while (w.next());
 * }</pre>
 */
final class StridedWalk {
    private final int[] shape;
    private final int[][] strides;
    private final int[] offsets;
    private final int[] counter;
    private final int outerRank;

    StridedWalk(int[] shape, int[][] strides, int[] offsets) {
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets.clone();
        this.outerRank = Math.max(shape.length - 1, 0);
        this.counter = new int[outerRank];
    }

    /** Length of the innermost dimension (1 for a scalar). */
    int inner() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    int innerStride(int operand) {
        return shape.length == 0 ? 0 : strides[operand][shape.length - 1];
    }

    int offset(int operand) {
        return offsets[operand];
    }

    /** Advances to the next row; false when all rows were visited. */
    boolean next() {
        for (int d = outerRank - 1; d >= 0; d--) {
            if (++counter[d] < shape[d]) {
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] += strides[k][d];
                }
                return true;
            }
            counter[d] = 0;
            for (int k = 0; k < offsets.length; k++) {
                offsets[k] -= strides[k][d] * (shape[d] - 1);
            }
        }
        return false;
    }
}
