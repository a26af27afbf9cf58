package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.View;

/**
 * im2col and its adjoint col2im, the two halves of a convolution as GEMM. The references copy or
 * add one strided view per kernel tap (a, b): kh·kw primitive calls, whatever the batch size.
 */
public final class Im2Col {
    private Im2Col() {
    }

    /**
     * im2col: contiguous {@code cols} [N, C, kh, kw, OH, OW] from a contiguous, already padded
     * {@code xp} [N, C, Hp, Wp]: cols[n, c, a, b, i, j] = xp[n, c, i·sh + a·dh, j·sw + b·dw].
     * Writes only {@code cols}.
     */
    @FunctionalInterface
    public interface Unfold {
        void run(Backend device, View xp, Window2d g, View cols);
    }

    /**
     * col2im: overwrites the contiguous {@code out} [N, C, H, W] with
     * out[n, c, y, x] = Σ cols[n, c, a, b, i, j] over i·sh + a·dh − ph = y, j·sw + b·dw − pw = x;
     * entries that fall in the padding are dropped. Reads the contiguous {@code cols}
     * [N, C, kh, kw, OH, OW]; writes only {@code out}.
     */
    @FunctionalInterface
    public interface Fold {
        void run(Backend device, View cols, Window2d g, View out);
    }

    public static final KernelFamily<Unfold> UNFOLD = KernelFamily.of("im2col", Unfold.class, Im2Col::unfoldReference);
    public static final KernelFamily<Fold> FOLD = KernelFamily.of("col2im", Fold.class, Im2Col::foldReference);

    /** One copy per tap: the tap's strided window of xp into its [N, C, OH, OW] slice of cols. */
    static void unfoldReference(Backend device, View xp, Window2d g, View cols) {
        int[] s = xp.strides();
        int[] tapShape = {cols.size(0), cols.size(1), cols.size(4), cols.size(5)};
        int[] tapStrides = {s[0], s[1], g.sh() * s[2], g.sw() * s[3]};
        for (int a = 0; a < g.kh(); a++) {
            for (int b = 0; b < g.kw(); b++) {
                View window = new View(xp.storage(), tapShape, tapStrides, xp.offset() + a * g.dh() * s[2]
                        + b * g.dw() * s[3]);
                device.copy(window, cols.select(2, a).select(2, b));
            }
        }
    }

    /**
     * out zeroed, then per tap the in-bounds part of its [N, C, OH, OW] slice added onto the strided
     * window of out it came from: positions of distinct (i, j) of one tap never coincide, so each
     * add reads and writes disjoint elements.
     */
    static void foldReference(Backend device, View cols, Window2d g, View out) {
        device.fill(out, 0);
        int h = out.size(2);
        int w = out.size(3);
        int oh = cols.size(4);
        int ow = cols.size(5);
        int[] s = out.strides();
        for (int a = 0; a < g.kh(); a++) {
            int[] rows = inBounds(a * g.dh() - g.ph(), g.sh(), oh, h);
            for (int b = 0; b < g.kw(); b++) {
                int[] columns = inBounds(b * g.dw() - g.pw(), g.sw(), ow, w);
                if (rows[1] <= rows[0] || columns[1] <= columns[0]) {
                    continue;
                }
                int[] shape = {out.size(0), out.size(1), rows[1] - rows[0], columns[1] - columns[0]};
                View target = new View(out.storage(), shape, new int[] {s[0], s[1], g.sh() * s[2], g.sw() * s[3]},
                        out.offset() + (rows[0] * g.sh() + a * g.dh() - g.ph()) * s[2]
                                + (columns[0] * g.sw() + b * g.dw() - g.pw()) * s[3]);
                View tap = cols.select(2, a).select(2, b);
                int[] ts = tap.strides();
                View part = new View(tap.storage(), shape, ts, tap.offset() + rows[0] * ts[2] + columns[0] * ts[3]);
                device.binary(BinaryOp.ADD, target, part, target);
            }
        }
    }

    /** The output positions [i0, i1) whose input coordinate i·stride + shift lies in [0, size). */
    private static int[] inBounds(int shift, int stride, int outSize, int size) {
        int first = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int end = size - 1 - shift < 0 ? 0 : Math.min(outSize, (size - 1 - shift) / stride + 1);
        return new int[] {first, Math.max(first, end)};
    }
}
