package dev.ignis.data.vision;

import dev.ignis.tensor.Tensor;

/**
 * Bilinear resizing of [..., H, W] float tensors with PyTorch's {@code interpolate(mode="bilinear",
 * align_corners=False, antialias=False)} arithmetic: output pixel o samples the input at
 * {@code s = (o + 0.5)·in/out − 0.5} (clamped below at 0), mixing pixels ⌊s⌋ and min(⌊s⌋+1, in−1)
 * with weights 1−(s−⌊s⌋) and s−⌊s⌋. Separable, so it is two matrix products: Wy·X·Wxᵀ.
 */
final class Bilinear {
    private Bilinear() {
    }

    static Tensor resize(Tensor x, int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize: output size must be positive, got " + outH + "x" + outW);
        }
        int inH = x.size(-2);
        int inW = x.size(-1);
        if (inH == outH && inW == outW) {
            return x;
        }
        Tensor rows = weights(inH, outH);                 // [outH, inH]
        Tensor colsT = weights(inW, outW).transpose(0, 1); // [inW, outW]
        return rows.matmul(x.matmul(colsT)).contiguous();
    }

    /** The [out, in] matrix whose row o holds the two interpolation weights of output o. */
    private static Tensor weights(int in, int out) {
        float[] w = new float[out * in];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = Math.max((o + 0.5) * scale - 0.5, 0);
            int i0 = Math.min((int) src, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            double lambda = src - i0;
            w[o * in + i0] += (float) (1 - lambda);
            w[o * in + i1] += (float) lambda;
        }
        return Tensor.fromArray(w, out, in);
    }
}
