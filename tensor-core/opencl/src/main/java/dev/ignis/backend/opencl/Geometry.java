package dev.ignis.backend.opencl;

import dev.ignis.backend.View;

/** Fills {@link ArenaKernel#g}: up to four operands over one index space (see its layout). */
final class Geometry {
    static final int MAX_DIMS = 8;

    private Geometry() {
    }

    /**
     * The index space {@code shape} with {@code views} as operands 0.. in order (null for an unused
     * slot: dtype −1); each view's strides must have {@code shape}'s rank.
     */
    static void of(int[] g, int[] shape, View... views) {
        if (shape.length > MAX_DIMS) {
            throw new UnsupportedOperationException("opencl: tensors of more than " + MAX_DIMS + " dimensions ("
                    + java.util.Arrays.toString(shape) + ")");
        }
        java.util.Arrays.fill(g, 0);
        g[0] = shape.length;
        int numel = 1;
        for (int d = 0; d < shape.length; d++) {
            g[ArenaKernel.SHAPE + d] = shape[d];
            numel *= shape[d];
        }
        g[1] = numel;
        for (int k = 0; k < 4; k++) {
            View v = k < views.length ? views[k] : null;
            if (v == null) {
                g[ArenaKernel.DTYPE + k] = -1;
                continue;
            }
            OpenClStorage s = (OpenClStorage) v.storage();
            for (int d = 0; d < v.dim(); d++) {
                g[ArenaKernel.STRIDE + 8 * k + d] = v.stride(d);
            }
            g[ArenaKernel.OFFSET + k] = s.base() + v.offset();
            g[ArenaKernel.DTYPE + k] = OpenClCodes.dtype(v.dtype());
        }
    }

    /** One contiguous operand of {@code shape} at arena index {@code base}, dtype code {@code t}. */
    static void contiguous(int[] g, int[] shape, int base, int t) {
        java.util.Arrays.fill(g, 0);
        g[0] = shape.length;
        int numel = 1;
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            g[ArenaKernel.SHAPE + d] = shape[d];
            g[ArenaKernel.STRIDE + d] = stride;
            stride *= shape[d];
            numel *= shape[d];
        }
        g[1] = numel;
        g[ArenaKernel.OFFSET] = base;
        g[ArenaKernel.DTYPE] = t;
        for (int k = 1; k < 4; k++) {
            g[ArenaKernel.DTYPE + k] = -1;
        }
    }
}
