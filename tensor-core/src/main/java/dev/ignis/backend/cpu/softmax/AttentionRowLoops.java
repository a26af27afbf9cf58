package dev.ignis.backend.cpu.softmax;

import dev.ignis.backend.Backend;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.kernels.AttentionKernels;
import dev.ignis.tensor.DType;

/**
 * Attention's row steps in float32, one pass per row ({@link AttentionKernels.RowSteps}): the
 * scale, the mask read through its strides (a mask broadcast over batch or heads is read, not
 * copied), the softmax; and the softmax backward with the dropout scale folded in. Composed from
 * primitives each step was five to seven passes over the [B, L, S] scores with as many temporaries.
 * Row sums are accumulated in double. Anything but float32 goes to the reference.
 */
public final class AttentionRowLoops implements AttentionKernels.RowSteps {
    public static final AttentionRowLoops INSTANCE = new AttentionRowLoops();
    /** Rows per chunk: at least this many elements, so that small problems stay on one thread. */
    private static final int GRAIN_ELEMENTS = 1 << 13;

    private AttentionRowLoops() {
    }

    @Override
    public void maskedSoftmax(Backend device, View weights, View mask, double scale) {
        if (!CpuViews.f32Contiguous(weights) || (mask != null && mask.dtype() != DType.FLOAT32)) {
            AttentionKernels.REFERENCE_ROWS.maskedSoftmax(device, weights, mask, scale);
            return;
        }
        int l = weights.size(1);
        int s = weights.size(2);
        float[] w = CpuViews.data(weights);
        int wOff = weights.offset();
        float[] m = mask == null ? null : CpuViews.data(mask);
        int heads = mask == null ? 1 : mask.size(1);
        float sc = (float) scale;
        IntraOpPool.parallelFor(weights.size(0) * l, grain(s), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int wi = wOff + r * s;
                float max = Float.NEGATIVE_INFINITY;
                if (m == null) {
                    for (int j = 0; j < s; j++) {
                        float x = w[wi + j] * sc;
                        w[wi + j] = x;
                        max = Math.max(max, x);
                    }
                } else {
                    int b = r / l;
                    int mi = mask.offset() + (b / heads) * mask.stride(0) + (b % heads) * mask.stride(1)
                            + (r % l) * mask.stride(2);
                    int mj = mask.stride(3);
                    for (int j = 0; j < s; j++) {
                        float x = w[wi + j] * sc + m[mi + j * mj];
                        w[wi + j] = x;
                        max = Math.max(max, x);
                    }
                }
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    float e = (float) Math.exp(w[wi + j] - max);
                    w[wi + j] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < s; j++) {
                    w[wi + j] *= inv;
                }
            }
        });
    }

    @Override
    public void softmaxBackward(Backend device, View grad, View weights, View dropScale, double scale) {
        if (!CpuViews.f32Contiguous(grad, weights, dropScale)) {
            AttentionKernels.REFERENCE_ROWS.softmaxBackward(device, grad, weights, dropScale, scale);
            return;
        }
        int s = grad.size(2);
        float[] g = CpuViews.data(grad);
        float[] p = CpuViews.data(weights);
        float[] d = dropScale == null ? null : CpuViews.data(dropScale);
        int gOff = grad.offset();
        int pOff = weights.offset();
        int dOff = dropScale == null ? 0 : dropScale.offset();
        float sc = (float) scale;
        IntraOpPool.parallelFor(grad.size(0) * grad.size(1), grain(s), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int gi = gOff + r * s;
                int pi = pOff + r * s;
                if (d != null) {
                    int di = dOff + r * s;
                    for (int j = 0; j < s; j++) {
                        g[gi + j] *= d[di + j];
                    }
                }
                double dot = 0;
                for (int j = 0; j < s; j++) {
                    dot += g[gi + j] * p[pi + j];
                }
                float sub = (float) dot;
                for (int j = 0; j < s; j++) {
                    g[gi + j] = sc * p[pi + j] * (g[gi + j] - sub);
                }
            }
        });
    }

    private static int grain(int rowLength) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(rowLength, 1));
    }
}
