package dev.ignis.backend.cpu;

import dev.ignis.backend.IntraOpPool;

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
public final class StridedWalk {
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

    /** Elements per parallel chunk of an elementwise kernel: below this, threads cost more than they save. */
    private static final int PARALLEL_GRAIN = 1 << 17;

    /** Whether an elementwise kernel over {@code numel} elements runs on the calling thread alone. */
    public static boolean serial(int numel) {
        return numel < 2 * PARALLEL_GRAIN || IntraOpPool.threads() == 1;
    }

    /**
     * Runs {@code body} over the index space {@code shape} (with each operand's strides and offset),
     * after merging dimensions that are contiguous in every operand. Large spaces are split along
     * their outermost merged dimension across the intra-op pool; each chunk gets its own walk.
     */
    public static void forEachBlock(int[] shape, int[][] strides, int[] offsets, java.util.function.Consumer<StridedWalk> body) {
        int[][] mergedStrides = new int[strides.length][];
        int[] merged = merge(shape, strides, mergedStrides);
        int numel = 1;
        for (int size : merged) {
            numel *= size;
        }
        if (numel == 0) {
            return;
        }
        if (merged.length == 0 || serial(numel)) {
            body.accept(new StridedWalk(merged, mergedStrides, offsets));
            return;
        }
        int outer = merged[0];
        int perOuter = numel / outer;
        IntraOpPool.parallelFor(outer, Math.max(1, PARALLEL_GRAIN / perOuter), (start, end) -> {
            int[] part = merged.clone();
            part[0] = end - start;
            int[] partOffsets = offsets.clone();
            for (int k = 0; k < partOffsets.length; k++) {
                partOffsets[k] += start * mergedStrides[k][0];
            }
            body.accept(new StridedWalk(part, mergedStrides, partOffsets));
        });
    }

    /**
     * Merges adjacent dimensions that are contiguous with each other in every operand (and drops
     * size-1 dimensions); returns the merged shape and fills {@code mergedStrides}.
     */
    private static int[] merge(int[] shape, int[][] strides, int[][] mergedStrides) {
        int rank = shape.length;
        int[] outShape = new int[rank];
        // row by row: C2 compiles new int[a][b] to a runtime call, one row is an inline allocation
        int[][] outStrides = new int[strides.length][];
        for (int k = 0; k < strides.length; k++) {
            outStrides[k] = new int[rank];
        }
        int r = -1;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 1 && rank > 1) {
                continue;
            }
            boolean mergeable = r >= 0 && shape[d] != 0 && outShape[r] != 0;
            for (int k = 0; k < strides.length && mergeable; k++) {
                mergeable = outStrides[k][r] == strides[k][d] * shape[d];
            }
            if (mergeable) {
                outShape[r] *= shape[d];
                for (int k = 0; k < strides.length; k++) {
                    outStrides[k][r] = strides[k][d];
                }
            } else {
                r++;
                outShape[r] = shape[d];
                for (int k = 0; k < strides.length; k++) {
                    outStrides[k][r] = strides[k][d];
                }
            }
        }
        int n = r + 1;
        if (n == 0 && rank > 0) {
            // all dimensions were 1: one element
            n = 1;
            outShape[0] = 1;
            for (int k = 0; k < strides.length; k++) {
                outStrides[k][0] = 0;
            }
        }
        for (int k = 0; k < strides.length; k++) {
            mergedStrides[k] = java.util.Arrays.copyOf(outStrides[k], n);
        }
        return java.util.Arrays.copyOf(outShape, n);
    }
}
