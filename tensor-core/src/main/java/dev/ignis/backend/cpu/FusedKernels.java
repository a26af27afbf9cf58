package dev.ignis.backend.cpu;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.tensor.DType;
import dev.ignis.backend.View;

/**
 * The CPU's fused kernels for float32 contiguous NCHW data: max pooling with arg-max, and batch
 * normalisation forward/backward in one or two passes per channel. Other dtypes and layouts use
 * the composed reference (the Backend methods return false).
 */
final class FusedKernels {
    private FusedKernels() {
    }

    static boolean f32Contiguous(View... ts) {
        for (View t : ts) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous())) {
                return false;
            }
        }
        return true;
    }

    static float[] data(View t) {
        return ((CpuStorage) t.storage()).f32;
    }

    static boolean maxPool2d(View x, int[] g, View out, View indices) {
        if (!f32Contiguous(x, out) || x.dim() != 4) {
            return false;
        }
        int planes = x.size(0) * x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        int oh = out.size(2);
        int ow = out.size(3);
        Window k = Window.of(g);
        float[] in = data(x);
        float[] o = data(out);
        long[] idx = ((CpuStorage) indices.storage()).i64;
        int xOff = x.offset();
        int oOff = out.offset();
        int iOff = indices.offset();
        boolean simple = k.ph() == 0 && k.pw() == 0 && k.dh() == 1 && k.dw() == 1;
        IntraOpPool.parallelFor(planes, Math.max(1, 4096 / Math.max(1, oh * ow)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int base = xOff + p * h * w;
                if (simple && k.kh() == 2 && k.kw() == 2 && k.sh() == 2 && k.sw() == 2) {
                    maxPlane2x2(in, base, w, o, idx, oOff + p * oh * ow, iOff + p * oh * ow, oh, ow);
                    continue;
                }
                if (simple) {
                    maxPlaneUnpadded(in, base, w, k.kh(), k.kw(), k.sh(), k.sw(), o, idx, oOff + p * oh * ow,
                            iOff + p * oh * ow, oh, ow);
                    continue;
                }
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int a = 0; a < k.kh(); a++) {
                            int r = i * k.sh() - k.ph() + a * k.dh();
                            if (r < 0 || r >= h) {
                                continue;
                            }
                            for (int b = 0; b < k.kw(); b++) {
                                int c = j * k.sw() - k.pw() + b * k.dw();
                                if (c < 0 || c >= w) {
                                    continue;
                                }
                                float v = in[base + r * w + c];
                                if (v > best || arg < 0 || v != v) {
                                    best = v;
                                    arg = r * w + c;
                                    if (v != v) {
                                        a = k.kh();
                                        break;
                                    }
                                }
                            }
                        }
                        int at = p * oh * ow + i * ow + j;
                        o[oOff + at] = best;
                        idx[iOff + at] = arg;
                    }
                }
            }
        });
        return true;
    }

    /**
     * One input plane, 2×2 windows with stride 2 (the usual pooling layer), with the sequential
     * scan's result: the first NaN of the window, else the first value equal to the window's
     * maximum (a later equal value never wins a strict {@code >}; −0 and +0 are equal), and that
     * value itself, so a −0 met first stays −0. The index of the first maximum comes from
     * arithmetic on exact equality tests: on activations a branch per comparison mispredicts half
     * the time, and C2 does not turn float selects into conditional moves. Windows whose maximum
     * is NaN or infinite (where {@code v − max} is not exact zero for equal values) take the scan.
     */
    private static void maxPlane2x2(float[] in, int base, int w, float[] o, long[] idx, int oBase, int iBase, int oh,
                                    int ow) {
        for (int i = 0; i < oh; i++) {
            int top = 2 * i * w;
            int outRow = i * ow;
            for (int j = 0; j < ow; j++) {
                int at = top + 2 * j;
                float a = in[base + at];
                float b = in[base + at + 1];
                float c = in[base + at + w];
                float d = in[base + at + w + 1];
                float max = Math.max(Math.max(a, b), Math.max(c, d));   // NaN if any is NaN
                int arg;
                if (Math.abs(max) <= Float.MAX_VALUE) {
                    // offset of the first maximum among a, b, c, d: 0, 1, w or w + 1
                    int fromC = w + 1 - equal(c, max);
                    int fromB = fromC + equal(b, max) * (1 - fromC);
                    arg = at + (1 - equal(a, max)) * fromB;
                } else {
                    arg = scan2x2(in, base, at, w);
                }
                o[oBase + outRow + j] = in[base + arg];
                idx[iBase + outRow + j] = arg;
            }
        }
    }

    /**
     * 1 when {@code v == max}, else 0, without a branch, for a finite {@code max} ≥ v: then
     * v − max is ±0 exactly when they are equal (IEEE subtraction of unequal floats is never zero).
     */
    private static int equal(float v, float max) {
        int magnitude = Float.floatToRawIntBits(v - max) & 0x7FFFFFFF;
        return (magnitude - 1) >>> 31;
    }

    /** The sequential scan of the 2×2 window at {@code at}: first NaN, else first strict maximum. */
    private static int scan2x2(float[] in, int base, int at, int w) {
        int arg = at;
        float best = in[base + at];
        for (int k = 1; k < 4 && best == best; k++) {
            int p = at + (k & 1) + (k >> 1) * w;
            float v = in[base + p];
            if (v > best || v != v) {
                best = v;
                arg = p;
            }
        }
        return arg;
    }

    /**
     * One input plane, no padding or dilation: every window lies inside, so no bounds checks. The
     * comparisons are written as selects, which compile to conditional moves: a branch on random
     * data mispredicts half the time. A window holding NaN is redone with the NaN-aware loop.
     */
    private static void maxPlaneUnpadded(float[] in, int base, int w, int kh, int kw, int sh, int sw,
                                         float[] o, long[] idx, int oBase, int iBase, int oh, int ow) {
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int first = i * sh * w + j * sw;
                float best = in[base + first];
                int arg = first;
                boolean nan = best != best;
                for (int a = 0; a < kh; a++) {
                    int row = (i * sh + a) * w + j * sw;
                    for (int b = 0; b < kw; b++) {
                        float v = in[base + row + b];
                        arg = v > best ? row + b : arg;   // an int select: a conditional move
                        best = Math.max(v, best);         // maxss, no branch
                        nan |= v != v;
                    }
                }
                if (nan) {
                    for (int a = 0; a < kh && arg >= 0; a++) {
                        int row = (i * sh + a) * w + j * sw;
                        for (int b = 0; b < kw; b++) {
                            if (in[base + row + b] != in[base + row + b]) {
                                arg = row + b;
                                a = kh;
                                break;
                            }
                        }
                    }
                }
                o[oBase + i * ow + j] = in[base + arg];   // the scan's value: −0 if a −0 came first
                idx[iBase + i * ow + j] = arg;
            }
        }
    }

    /**
     * im2col of a contiguous padded input [N, C, Hp, Wp] into contiguous cols [N, C, kh, kw, OH, OW]:
     * cols[n, c, a, b, i, j] = x[n, c, i·sh + a·dh, j·sw + b·dw]. Unit column stride copies whole rows.
     */
    static boolean unfold2d(View xp, int[] g, View cols) {
        if (!f32Contiguous(xp, cols) || xp.dim() != 4) {
            return false;
        }
        int planes = xp.size(0) * xp.size(1);
        int hp = xp.size(2);
        int wp = xp.size(3);
        Window k = Window.of(g);
        int oh = cols.size(4);
        int ow = cols.size(5);
        float[] in = data(xp);
        float[] out = data(cols);
        int xOff = xp.offset();
        int cOff = cols.offset();
        IntraOpPool.parallelFor(planes, Math.max(1, 4096 / Math.max(1, k.kh() * k.kw() * oh * ow)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int src = xOff + p * hp * wp;
                int dst = cOff + p * k.kh() * k.kw() * oh * ow;
                for (int a = 0; a < k.kh(); a++) {
                    for (int b = 0; b < k.kw(); b++) {
                        for (int i = 0; i < oh; i++) {
                            int from = src + (i * k.sh() + a * k.dh()) * wp + b * k.dw();
                            if (k.sw() == 1) {
                                System.arraycopy(in, from, out, dst, ow);
                            } else {
                                for (int j = 0; j < ow; j++) {
                                    out[dst + j] = in[from + j * k.sw()];
                                }
                            }
                            dst += ow;
                        }
                    }
                }
            }
        });
        return true;
    }

    /**
     * col2im per plane: every (a, b, i) row of the columns is added into the input row it was cut
     * from, over the column range that lies inside the image (the rest was padding).
     */
    static boolean fold2d(View cols, int[] g, View out) {
        if (!f32Contiguous(cols, out) || out.dim() != 4 || cols.dim() != 6) {
            return false;
        }
        int planes = out.size(0) * out.size(1);
        int h = out.size(2);
        int w = out.size(3);
        Window k = Window.of(g);
        int oh = cols.size(4);
        int ow = cols.size(5);
        float[] in = data(cols);
        float[] o = data(out);
        int cOff = cols.offset();
        int oOff = out.offset();
        IntraOpPool.parallelFor(planes, Math.max(1, 4096 / Math.max(1, k.kh() * k.kw() * oh * ow)), (p0, p1) -> {
            java.util.Arrays.fill(o, oOff + p0 * h * w, oOff + p1 * h * w, 0f);
            for (int p = p0; p < p1; p++) {
                ConvKernels.addColumnsOfPlane(in, cOff + p * k.kh() * k.kw() * oh * ow, k, oh, ow, o, oOff + p * h * w, h, w);
            }
        });
        return true;
    }

    static boolean maxPool2dBackward(View grad, View indices, View gradInput) {
        if (!f32Contiguous(grad, gradInput) || !indices.isContiguous()) {
            return false;
        }
        int planes = gradInput.size(0) * gradInput.size(1);
        int plane = gradInput.size(2) * gradInput.size(3);
        int outPlane = grad.size(2) * grad.size(3);
        float[] g = data(grad);
        float[] gi = data(gradInput);
        long[] idx = ((CpuStorage) indices.storage()).i64;
        int gOff = grad.offset();
        int giOff = gradInput.offset();
        int iOff = indices.offset();
        IntraOpPool.parallelFor(planes, Math.max(1, 4096 / Math.max(1, outPlane)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int k = 0; k < outPlane; k++) {
                    int at = p * outPlane + k;
                    gi[giOff + p * plane + (int) idx[iOff + at]] += g[gOff + at];
                }
            }
        });
        return true;
    }

    /** Per channel c: the elements of x are planes n·C + c, each {@code inner} long. */
    static boolean batchNormForward(View x, View weight, View bias, double eps, View out, View mean,
                                    View invstd) {
        if (!f32Contiguous(x, weight, bias, out, mean, invstd) || x.dim() < 2) {
            return false;
        }
        int n = x.size(0);
        int channels = x.size(1);
        int inner = x.numel() / (n * channels);
        float[] in = data(x);
        float[] o = data(out);
        float[] m = data(mean);
        int xOff = x.offset();
        int oOff = out.offset();
        IntraOpPool.parallelFor(channels, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                statistics(in, xOff, n, channels, inner, c, eps, mean, invstd);
                float muF = m[mean.offset() + c];
                float scale = normScale(weight, invstd, c);
                float shift = normShift(bias, c);
                for (int s = 0; s < n; s++) {
                    int from = xOff + (s * channels + c) * inner;
                    int to = oOff + (s * channels + c) * inner;
                    if (from == to) {
                        // one index for both arrays, so that HotSpot vectorises it (see ElementwiseLoops)
                        for (int j = from; j < from + inner; j++) {
                            o[j] = (in[j] - muF) * scale + shift;
                        }
                    } else {
                        for (int j = 0; j < inner; j++) {
                            o[to + j] = (in[from + j] - muF) * scale + shift;
                        }
                    }
                }
            }
        });
        return true;
    }

    /**
     * Channel c's batch statistics of a contiguous x [n, channels, inner] (offset {@code xOff}):
     * mean[c] = μ and invstd[c] = 1/√(σ² + eps) with the biased variance σ². One pass over the
     * channel sums d = x − K and d² in double, K being the mean of the channel's first plane:
     * σ² = Σd²/M − (Σd/M)², whose cancellation error is about 2⁻⁵³·(μ − K)²/σ², negligible
     * as K lies near μ (unlike Σx² − Mμ², which loses μ²/σ² in float data of large mean).
     */
    static void statistics(float[] in, int xOff, int n, int channels, int inner, int c, double eps, View mean,
                           View invstd) {
        double count = (double) n * inner;
        double shift = Sums.sum(in, xOff + c * inner, inner) / inner;
        double[] moments = new double[2];
        for (int s = 0; s < n; s++) {
            Sums.addShiftedMoments(in, xOff + (s * channels + c) * inner, inner, shift, moments);
        }
        double meanShift = moments[0] / count;
        double var = Math.max(moments[1] / count - meanShift * meanShift, 0);
        data(mean)[mean.offset() + c] = (float) (shift + meanShift);
        data(invstd)[invstd.offset() + c] = (float) (1.0 / Math.sqrt(var + eps));
    }

    /** invstd[c]·w[c] (w null: 1), the factor of y = (x − mean)·scale + shift. */
    static float normScale(View weight, View invstd, int c) {
        float inv = data(invstd)[invstd.offset() + c];
        return weight == null ? inv : inv * data(weight)[weight.offset() + c];
    }

    /** b[c] (b null: 0), the shift of y = (x − mean)·scale + shift. */
    static float normShift(View bias, int c) {
        return bias == null ? 0f : data(bias)[bias.offset() + c];
    }

    static boolean batchNormBackward(View grad, View x, View weight, View mean, View invstd,
                                     View gradInput, View gradWeight, View gradBias) {
        if (!f32Contiguous(grad, x, weight, mean, invstd, gradInput, gradWeight, gradBias) || x.dim() < 2) {
            return false;
        }
        int n = x.size(0);
        int channels = x.size(1);
        int inner = x.numel() / (n * channels);
        float[] g = data(grad);
        float[] in = data(x);
        float[] m = data(mean);
        float[] is = data(invstd);
        float[] w = weight == null ? null : data(weight);
        double count = (double) n * inner;
        IntraOpPool.parallelFor(channels, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                float mu = m[mean.offset() + c];
                float inv = is[invstd.offset() + c];
                double sumG = 0;
                double sumGXhat = 0;
                for (int s = 0; s < n; s++) {
                    int gb = grad.offset() + (s * channels + c) * inner;
                    int xb = x.offset() + (s * channels + c) * inner;
                    for (int j = 0; j < inner; j++) {
                        float gv = g[gb + j];
                        sumG += gv;
                        sumGXhat += gv * ((in[xb + j] - mu) * inv);
                    }
                }
                if (gradWeight != null) {
                    data(gradWeight)[gradWeight.offset() + c] = (float) sumGXhat;
                }
                if (gradBias != null) {
                    data(gradBias)[gradBias.offset() + c] = (float) sumG;
                }
                if (gradInput != null) {
                    float[] gi = data(gradInput);
                    float scale = (w == null ? 1f : w[weight.offset() + c]) * inv;
                    float meanG = (float) (sumG / count);
                    float meanGXhat = (float) (sumGXhat / count);
                    for (int s = 0; s < n; s++) {
                        int gb = grad.offset() + (s * channels + c) * inner;
                        int xb = x.offset() + (s * channels + c) * inner;
                        int ib = gradInput.offset() + (s * channels + c) * inner;
                        if (gb == xb && xb == ib) {
                            // one index for every array, so that HotSpot vectorises it (see ElementwiseLoops)
                            for (int j = xb; j < xb + inner; j++) {
                                float xhat = (in[j] - mu) * inv;
                                gi[j] = scale * (g[j] - meanG - xhat * meanGXhat);
                            }
                        } else {
                            for (int j = 0; j < inner; j++) {
                                float xhat = (in[xb + j] - mu) * inv;
                                gi[ib + j] = scale * (g[gb + j] - meanG - xhat * meanGXhat);
                            }
                        }
                    }
                }
            }
        });
        return true;
    }
}
