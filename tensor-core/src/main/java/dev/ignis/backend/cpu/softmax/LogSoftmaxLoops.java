package dev.ignis.backend.cpu.softmax;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.cpu.elementwise.Sums;

/**
 * Float32 log_softmax over the rows of a contiguous [rows, n] tensor, forward and backward, one
 * pass per row each. The composed form (max, subtract, exp, sum, log, subtract) was six ops with
 * six allocations; on a classifier's [64, 10] logits their bookkeeping cost ten times the
 * arithmetic. The row sums are accumulated in double.
 */
public final class LogSoftmaxLoops {
    /** Rows per chunk: at least this many elements, so that small batches stay on one thread. */
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private LogSoftmaxLoops() {
    }

    /** out[r, j] = x[r, j] − m − log Σ_k exp(x[r, k] − m), m = max of row r. False if not float32 contiguous 2-D. */
    public static boolean logSoftmax(View x, View out) {
        if (!CpuViews.f32Contiguous(x, out) || x.dim() != 2) {
            return false;
        }
        int n = x.size(1);
        float[] in = CpuViews.data(x);
        float[] o = CpuViews.data(out);
        int xOff = x.offset();
        int oOff = out.offset();
        IntraOpPool.parallelFor(x.size(0), Math.max(1, GRAIN_ELEMENTS / Math.max(n, 1)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * n;
                int oi = oOff + r * n;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    max = Math.max(max, in[xi + j]);   // NaN-propagating, as the max reduction
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    float shifted = in[xi + j] - max;
                    o[oi + j] = shifted;
                    sum += Math.exp(shifted);
                }
                float logSum = (float) Math.log(sum);
                for (int j = 0; j < n; j++) {
                    o[oi + j] -= logSum;
                }
            }
        });
        return true;
    }

    /** gi[r, j] = g[r, j] − exp(out[r, j])·Σ_k g[r, k]. False if not float32 contiguous 2-D. */
    public static boolean logSoftmaxBackward(View grad, View out, View gradInput) {
        if (!CpuViews.f32Contiguous(grad, out, gradInput) || grad.dim() != 2) {
            return false;
        }
        int n = grad.size(1);
        float[] g = CpuViews.data(grad);
        float[] y = CpuViews.data(out);
        float[] gi = CpuViews.data(gradInput);
        int gOff = grad.offset();
        int yOff = out.offset();
        int giOff = gradInput.offset();
        IntraOpPool.parallelFor(grad.size(0), Math.max(1, GRAIN_ELEMENTS / Math.max(n, 1)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                float sum = (float) Sums.sum(g, gOff + r * n, n);
                for (int j = 0; j < n; j++) {
                    gi[giOff + r * n + j] = g[gOff + r * n + j] - (float) Math.exp(y[yOff + r * n + j]) * sum;
                }
            }
        });
        return true;
    }
}
