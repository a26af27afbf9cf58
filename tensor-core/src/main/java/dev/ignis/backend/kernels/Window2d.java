package dev.ignis.backend.kernels;

/**
 * The geometry of sliding windows over the last two dims of {@code [N, C, H, W]}, shared by
 * convolution and pooling: kernel size, stride, padding and dilation per spatial dim. An output
 * position (i, j) reads input rows {@code i·sh + a·dh − ph} for a in [0, kh) (columns likewise);
 * output size {@code floor((H + 2·ph − dh·(kh − 1) − 1)/sh) + 1}.
 */
public record Window2d(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {

    public int outH(int h) {
        return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    }

    public int outW(int w) {
        return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    }

    /** {kh, kw, sh, sw, ph, pw, dh, dw}, the layout the CPU's loops take. */
    public int[] toArray() {
        return new int[] {kh, kw, sh, sw, ph, pw, dh, dw};
    }
}
