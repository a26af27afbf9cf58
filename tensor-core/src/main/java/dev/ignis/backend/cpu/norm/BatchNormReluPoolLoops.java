package dev.ignis.backend.cpu.norm;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.cpu.Window;
import dev.ignis.backend.cpu.elementwise.ElementwiseLoops;

/**
 * Training-mode batch norm, ReLU and max pooling as one kernel pair, for float32 contiguous
 * [N, C, H, W] and pooling windows that tile the plane (kernel = stride, no padding or dilation;
 * rows and columns past the last whole window are in no window): out = maxPool(relu(y)) with
 * y = (x − μ)·invstd·w + b.
 *
 * <p>Why: the three layers one after another are memory-bound passes over the largest activations
 * of a convolutional network, each also allocating (and so zeroing) an array of that size. ReLU
 * and max commute, so a window's output is relu(max y), and y is recomputed where needed instead
 * of stored: the forward reads x twice (once for the statistics, once for the pooled output)
 * and writes only the pooled output; the backward reads x twice and writes dx. y is computed with
 * batch norm's own expression, so outputs equal the separate layers' bit for bit; and as each
 * rounded operation of y = (x − μ)·scale + shift is monotone in x, a window's max y is y of its
 * max x (min x when scale &lt; 0), so the forward computes y once per window.
 *
 * <p>Backward: dy is the pooled gradient at each window's first maximum of y (its first NaN),
 * zero where ReLU cut it (maximum ≤ 0) and everywhere else; then batch norm's backward:
 * dx = w·invstd·(dy − Σdy/M − x̂·Σ(dy·x̂)/M), dw = Σ(dy·x̂), db = Σdy per channel, M = N·H·W.
 */
public final class BatchNormReluPoolLoops {
    private BatchNormReluPoolLoops() {
    }

    /** Pooling windows this kernel takes: each input element in at most one window, none in padding. */
    public static boolean tiles(Window k) {
        return k.kh() == k.sh() && k.kw() == k.sw() && k.ph() == 0 && k.pw() == 0 && k.dh() == 1 && k.dw() == 1;
    }

    /** Writes out, mean and invstd; see {@link dev.ignis.backend.Backend#batchNormReluMaxPool2d}. */
    public static boolean forward(View x, View weight, View bias, double eps, int[] geometry, View out, View mean,
                           View invstd) {
        Window k = Window.of(geometry);
        if (!CpuViews.f32Contiguous(x, weight, bias, out, mean, invstd) || x.dim() != 4 || !tiles(k)) {
            return false;
        }
        Planes p = new Planes(x, out);
        float[] in = CpuViews.data(x);
        float[] o = CpuViews.data(out);
        float[] m = CpuViews.data(mean);
        IntraOpPool.parallelFor(p.channels, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                BatchNormLoops.statistics(in, x.offset(), p.n, p.channels, p.h * p.w, c, eps, mean, invstd);
                float mu = m[mean.offset() + c];
                float scale = BatchNormLoops.normScale(weight, invstd, c);
                float shift = BatchNormLoops.normShift(bias, c);
                for (int s = 0; s < p.n; s++) {
                    int plane = s * p.channels + c;
                    int base = x.offset() + plane * p.h * p.w;
                    int outBase = out.offset() + plane * p.oh * p.ow;
                    if (k.kh() == 2 && k.kw() == 2) {
                        poolPlane2x2(in, base, p.w, mu, scale, shift, o, outBase, p.oh, p.ow);
                    } else {
                        poolPlane(in, base, p.w, k.kh(), k.kw(), mu, scale, shift, o, outBase, p.oh, p.ow);
                    }
                }
            }
        });
        return true;
    }

    /** Overwrites gradInput, gradWeight, gradBias (each may be null); see the class comment. */
    public static boolean backward(View grad, View x, View weight, View bias, View mean, View invstd,
                            int[] geometry, View gradInput, View gradWeight, View gradBias) {
        Window k = Window.of(geometry);
        if (!CpuViews.f32Contiguous(grad, x, weight, bias, mean, invstd, gradInput, gradWeight, gradBias)
                || x.dim() != 4 || !tiles(k)) {
            return false;
        }
        Planes p = new Planes(x, grad);
        float[] g = CpuViews.data(grad);
        float[] in = CpuViews.data(x);
        double count = (double) p.n * p.h * p.w;
        IntraOpPool.parallelFor(p.channels, 1, (c0, c1) -> {
            // per window of one channel: the flat position in its plane of its first maximum of y,
            // and the gradient y gets there (zero where ReLU cut it)
            int[] winners = new int[p.n * p.oh * p.ow];
            float[] dy = new float[p.n * p.oh * p.ow];
            for (int c = c0; c < c1; c++) {
                float mu = CpuViews.data(mean)[mean.offset() + c];
                float inv = CpuViews.data(invstd)[invstd.offset() + c];
                float scale = BatchNormLoops.normScale(weight, invstd, c);
                float shift = BatchNormLoops.normShift(bias, c);
                double sumG = 0;
                double sumGXhat = 0;
                for (int s = 0; s < p.n; s++) {
                    int plane = s * p.channels + c;
                    int base = x.offset() + plane * p.h * p.w;
                    int gBase = grad.offset() + plane * p.oh * p.ow;
                    int wBase = s * p.oh * p.ow;
                    findWinners(in, base, p.w, k.kh(), k.kw(), mu, scale, shift, g, gBase, winners, dy, wBase, p.oh,
                            p.ow);
                    // zeros add nothing: the same sums as batch norm's over every element
                    for (int q = wBase; q < wBase + p.oh * p.ow; q++) {
                        sumG += dy[q];
                        sumGXhat += dy[q] * ((in[base + winners[q]] - mu) * inv);
                    }
                }
                if (gradWeight != null) {
                    CpuViews.data(gradWeight)[gradWeight.offset() + c] = (float) sumGXhat;
                }
                if (gradBias != null) {
                    CpuViews.data(gradBias)[gradBias.offset() + c] = (float) sumG;
                }
                if (gradInput != null) {
                    float meanG = (float) (sumG / count);
                    float meanGXhat = (float) (sumGXhat / count);
                    float[] gi = CpuViews.data(gradInput);
                    for (int s = 0; s < p.n; s++) {
                        int plane = s * p.channels + c;
                        int base = x.offset() + plane * p.h * p.w;
                        int giBase = gradInput.offset() + plane * p.h * p.w;
                        // dy = 0 everywhere, then the winners' dy; batch norm's expression in both (its
                        // factor w·invstd is y's scale)
                        if (base == giBase) {
                            // one index for both arrays, so that HotSpot vectorises it (see ElementwiseLoops)
                            for (int j = base; j < base + p.h * p.w; j++) {
                                float xhat = (in[j] - mu) * inv;
                                gi[j] = scale * (0f - meanG - xhat * meanGXhat);
                            }
                        } else {
                            for (int j = 0; j < p.h * p.w; j++) {
                                float xhat = (in[base + j] - mu) * inv;
                                gi[giBase + j] = scale * (0f - meanG - xhat * meanGXhat);
                            }
                        }
                        // each window's first maximum again, with its dy (a cut one rewrites the same value)
                        int wBase = s * p.oh * p.ow;
                        for (int q = wBase; q < wBase + p.oh * p.ow; q++) {
                            int at = winners[q];
                            float xhat = (in[base + at] - mu) * inv;
                            gi[giBase + at] = scale * (dy[q] - meanG - xhat * meanGXhat);
                        }
                    }
                }
            }
        });
        return true;
    }

    /** Sizes of the input [n, channels, h, w] and of the pooled [.., .., oh, ow]. */
    private record Planes(int n, int channels, int h, int w, int oh, int ow) {
        Planes(View x, View pooled) {
            this(x.size(0), x.size(1), x.size(2), x.size(3), pooled.size(2), pooled.size(3));
        }
    }

    /** {@link #poolPlane} for 2×2 windows, unrolled. */
    private static void poolPlane2x2(float[] in, int base, int w, float mu, float scale, float shift, float[] o,
                                     int outBase, int oh, int ow) {
        boolean flip = scale < 0;
        for (int i = 0; i < oh; i++) {
            int top = base + 2 * i * w;
            int outRow = outBase + i * ow;
            for (int j = 0; j < ow; j++) {
                int at = top + 2 * j;
                float a = in[at];
                float b = in[at + 1];
                float c = in[at + w];
                float d = in[at + w + 1];
                float extreme = flip ? Math.min(Math.min(a, b), Math.min(c, d)) : Math.max(Math.max(a, b), Math.max(c, d));
                o[outRow + j] = relu(y(extreme, mu, scale, shift));
            }
        }
    }

    /**
     * relu(max y) over one plane's kh×kw windows, y = (x − mu)·scale + shift, from each window's
     * max x (min x when scale &lt; 0; see the class comment). Math.max and min keep NaN, as relu does.
     */
    private static void poolPlane(float[] in, int base, int w, int kh, int kw, float mu, float scale, float shift,
                                  float[] o, int outBase, int oh, int ow) {
        boolean flip = scale < 0;
        for (int i = 0; i < oh; i++) {
            int top = base + i * kh * w;
            int outRow = outBase + i * ow;
            for (int j = 0; j < ow; j++) {
                int at = top + j * kw;
                float extreme = in[at];
                for (int a = 0; a < kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        float v = in[at + a * w + b];
                        extreme = flip ? Math.min(extreme, v) : Math.max(extreme, v);
                    }
                }
                o[outRow + j] = relu(y(extreme, mu, scale, shift));
            }
        }
    }

    /**
     * y = (x − mu)·scale + shift, rounded step by step exactly as batch norm's forward kernel
     * computes it ({@code FusedKernels.batchNormForward}): the fused outputs and winners equal the
     * separate layers' only while the two expressions are the same.
     */
    private static float y(float x, float mu, float scale, float shift) {
        return (x - mu) * scale + shift;
    }

    /**
     * ReLU as {@link dev.ignis.backend.UnaryOp#RELU} computes it (NaN stays NaN, −0 becomes +0),
     * branch-free: a branch on the sign of activations mispredicts half the time.
     */
    private static float relu(float v) {
        return Math.max(v, 0f);
    }

    /**
     * For each window q of one plane: {@code winners[q]}, the flat position of its first maximum of y
     * (first NaN), as the max-pooling kernel picks it, and {@code dy[q]}, the window's gradient
     * g[q], or zero where that maximum is ≤ 0 (ReLU passes no gradient).
     */
    private static void findWinners(float[] in, int base, int w, int kh, int kw, float mu, float scale, float shift,
                                    float[] g, int gBase, int[] winners, float[] dy, int wBase, int oh, int ow) {
        if (kh == 2 && kw == 2 && Float.isFinite(mu) && Float.isFinite(scale) && Float.isFinite(shift)) {
            findWinners2x2(in, base, w, mu, scale, shift, g, gBase, winners, dy, wBase, oh, ow);
            return;
        }
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int arg = scan(in, base, w, kh, kw, mu, scale, shift, i * kh * w + j * kw);
                float best = y(in[base + arg], mu, scale, shift);
                int q = wBase + i * ow + j;
                winners[q] = arg;
                dy[q] = best > 0 || best != best ? g[gBase + i * ow + j] : 0f;
            }
        }
    }

    /**
     * {@link #findWinners} for 2×2 windows of a channel whose mean and affine factors are finite:
     * then every x is finite (an infinite or NaN x makes the mean so) and no y is NaN, so the first
     * maximum is the top pair's first maximum unless the bottom pair's is strictly greater. Each
     * choice is an int select on a comparison (a conditional move; a branch would mispredict on
     * half the windows), and a chosen y is recomputed from its x rather than selected: C2 compiles
     * a float select to a branch.
     */
    private static void findWinners2x2(float[] in, int base, int w, float mu, float scale, float shift, float[] g,
                                       int gBase, int[] winners, float[] dy, int wBase, int oh, int ow) {
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int first = 2 * i * w + 2 * j;
                int at = base + first;
                float a = y(in[at], mu, scale, shift);
                float b = y(in[at + 1], mu, scale, shift);
                float c = y(in[at + w], mu, scale, shift);
                float d = y(in[at + w + 1], mu, scale, shift);
                int top = b > a ? 1 : 0;
                int bottom = d > c ? w + 1 : w;
                float topMax = y(in[at + top], mu, scale, shift);
                float bottomMax = y(in[at + bottom], mu, scale, shift);
                int arg = bottomMax > topMax ? bottom : top;
                float best = y(in[at + arg], mu, scale, shift);
                int q = wBase + i * ow + j;
                winners[q] = first + arg;
                // g, or +0 where ReLU cut it, by masking g's bits: multiplying by 0 would turn an
                // infinite g into NaN
                int keep = best > 0 ? -1 : 0;
                dy[q] = Float.intBitsToFloat(Float.floatToRawIntBits(g[gBase + i * ow + j]) & keep);
            }
        }
    }

    /** The sequential scan of the window at {@code first}: the first NaN of y, else its first strict maximum. */
    private static int scan(float[] in, int base, int w, int kh, int kw, float mu, float scale, float shift,
                            int first) {
        float best = y(in[base + first], mu, scale, shift);
        int arg = first;
        for (int a = 0; a < kh && best == best; a++) {
            for (int b = a == 0 ? 1 : 0; b < kw; b++) {
                float v = y(in[base + first + a * w + b], mu, scale, shift);
                if (v > best || v != v) {
                    best = v;
                    arg = first + a * w + b;
                    if (v != v) {
                        break;
                    }
                }
            }
        }
        return arg;
    }
}
