package dev.ignis.backend.cpu.norm;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.cpu.elementwise.ElementwiseLoops;
import dev.ignis.backend.cpu.elementwise.Sums;

/**
 * The CPU's float32 batch normalisation over contiguous [N, C, *] data, forward and backward in
 * one or two passes per channel; other dtypes and layouts decline (false).
 */
public final class BatchNormLoops {
    private BatchNormLoops() {
    }

    /** Per channel c: the elements of x are planes n·C + c, each {@code inner} long. */
    public static boolean batchNormForward(View x, View weight, View bias, double eps, View out, View mean,
                                    View invstd) {
        if (!CpuViews.f32Contiguous(x, weight, bias, out, mean, invstd) || x.dim() < 2) {
            return false;
        }
        int n = x.size(0);
        int channels = x.size(1);
        int inner = x.numel() / (n * channels);
        float[] in = CpuViews.data(x);
        float[] o = CpuViews.data(out);
        float[] m = CpuViews.data(mean);
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
    public static void statistics(float[] in, int xOff, int n, int channels, int inner, int c, double eps, View mean,
                           View invstd) {
        double count = (double) n * inner;
        double shift = Sums.sum(in, xOff + c * inner, inner) / inner;
        double[] moments = new double[2];
        for (int s = 0; s < n; s++) {
            Sums.addShiftedMoments(in, xOff + (s * channels + c) * inner, inner, shift, moments);
        }
        double meanShift = moments[0] / count;
        double var = Math.max(moments[1] / count - meanShift * meanShift, 0);
        CpuViews.data(mean)[mean.offset() + c] = (float) (shift + meanShift);
        CpuViews.data(invstd)[invstd.offset() + c] = (float) (1.0 / Math.sqrt(var + eps));
    }

    /** invstd[c]·w[c] (w null: 1), the factor of y = (x − mean)·scale + shift. */
    public static float normScale(View weight, View invstd, int c) {
        float inv = CpuViews.data(invstd)[invstd.offset() + c];
        return weight == null ? inv : inv * CpuViews.data(weight)[weight.offset() + c];
    }

    /** b[c] (b null: 0), the shift of y = (x − mean)·scale + shift. */
    public static float normShift(View bias, int c) {
        return bias == null ? 0f : CpuViews.data(bias)[bias.offset() + c];
    }

    public static boolean batchNormBackward(View grad, View x, View weight, View mean, View invstd,
                                     View gradInput, View gradWeight, View gradBias) {
        if (!CpuViews.f32Contiguous(grad, x, weight, mean, invstd, gradInput, gradWeight, gradBias) || x.dim() < 2) {
            return false;
        }
        int n = x.size(0);
        int channels = x.size(1);
        int inner = x.numel() / (n * channels);
        float[] g = CpuViews.data(grad);
        float[] in = CpuViews.data(x);
        float[] m = CpuViews.data(mean);
        float[] is = CpuViews.data(invstd);
        float[] w = weight == null ? null : CpuViews.data(weight);
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
                    CpuViews.data(gradWeight)[gradWeight.offset() + c] = (float) sumGXhat;
                }
                if (gradBias != null) {
                    CpuViews.data(gradBias)[gradBias.offset() + c] = (float) sumG;
                }
                if (gradInput != null) {
                    float[] gi = CpuViews.data(gradInput);
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
