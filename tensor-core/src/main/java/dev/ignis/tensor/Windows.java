package dev.ignis.tensor;

import dev.ignis.backend.kernels.Im2Col;
import dev.ignis.backend.kernels.Window2d;

/**
 * Sliding windows over the last two dims of {@code [N, C, H, W]}, shared by convolution and
 * pooling. {@link #unfold} is a zero-copy strided view (im2col before its copy); {@link #fold} is
 * its adjoint, summing window gradients back into the input (col2im).
 *
 * <p>Output size per spatial dim: {@code floor((H + 2p − d(k−1) − 1)/s) + 1}.
 */
record Windows(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {

    int outH() {
        return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    }

    int outW() {
        return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    }

    int paddedH() {
        return h + 2 * ph;
    }

    int paddedW() {
        return w + 2 * pw;
    }

    /** The geometry the kernel families take. */
    Window2d window2d() {
        return new Window2d(kh, kw, sh, sw, ph, pw, dh, dw);
    }

    /** Fails naming the op when the window does not fit. */
    void check(String op) {
        if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0 || ph < 0 || pw < 0) {
            throw new IllegalArgumentException(op + ": kernel size, stride and dilation must be positive and padding"
                    + " non-negative, got kernel=(" + kh + ", " + kw + ") stride=(" + sh + ", " + sw + ") padding=(" + ph
                    + ", " + pw + ") dilation=(" + dh + ", " + dw + ")");
        }
        if (outH() <= 0 || outW() <= 0) {
            throw new IllegalArgumentException(op + ": Given input size: (" + c + "x" + h + "x" + w
                    + "). Calculated output size: (" + c + "x" + outH() + "x" + outW() + "). Output size is too small");
        }
    }

    /** A zero-filled (or {@code fill}-filled) copy of x with the padding added. Not recorded. */
    Tensor pad(Tensor x, double fill) {
        if (ph == 0 && pw == 0) {
            return x;
        }
        Tensor xp = Tensor.full(fill, x.dtype(), x.device(), n, c, paddedH(), paddedW());
        x.backend().copy(x.asView(), interior(xp).asView());
        return xp;
    }

    /** The un-padded region of a padded {@code [N, C, H+2p, W+2p]} tensor (a view). */
    Tensor interior(Tensor xp) {
        return Views.sliceRaw(Views.sliceRaw(xp, 2, ph, ph + h, 1), 3, pw, pw + w, 1);
    }

    /** {@code [N, C, kh, kw, OH, OW]} view of a contiguous padded input. */
    Tensor unfold(Tensor xp) {
        int[] s = xp.strides();
        return xp.viewOf(new int[] {n, c, kh, kw, outH(), outW()},
                new int[] {s[0], s[1], dh * s[2], dw * s[3], sh * s[2], sw * s[3]}, xp.offset());
    }

    /** Σ over windows: the {@code [N, C, H, W]} gradient of an input from its {@code [N, C, kh, kw, OH, OW]} columns. */
    Tensor fold(Tensor cols) {
        Tensor out = Tensor.zeros(cols.dtype(), cols.device(), n, c, h, w);
        Tensor cc = cols.contiguous();
        Kernels.of(Im2Col.FOLD, cc).run(cc.backend(), cc.asView(), window2d(), out.asView());
        return out;
    }
}
