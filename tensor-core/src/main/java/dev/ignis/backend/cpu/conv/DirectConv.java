package dev.ignis.backend.cpu.conv;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.cpu.Window;
import dev.ignis.backend.cpu.elementwise.ElementwiseLoops;
import java.util.Arrays;

/**
 * The float32 convolution forward pass with unit stride for layers whose every output reads only
 * a few inputs, K = C/G·kh·kw ≤ {@link #MAX_TAPS}: a first layer over one or three image channels,
 * a depthwise convolution. For these a GEMM is mostly overhead: K is its inner dimension, so
 * packing the operands, zeroing C and each tile's set-up are paid for a handful of multiply-adds
 * per output. Measured on the Fashion CNN's first layer (1→32 channels, 3×3 on 28×28, batch 64):
 * 2.3 ms through {@link ConvKernels}' GEMMs at one thread, 1.3 ms here (1.7 and 1.0 at two).
 *
 * <p>The sample's im2col rows are kept as K separate arrays, {@code cols[t][i·OW + j]} being the
 * input that tap t = (c·kh + a)·kw + b sees at output position (i, j), zero in the padding; then
 * {@code out[n, o, p] = bias[o] + Σ_t w[o, t]·cols[t][p]} is a few whole-plane multiply-adds
 * with one index for every array, the form HotSpot 17 vectorises (see {@link ElementwiseLoops}).
 * Taps are added three at a time, which halves the passes over the output plane.
 *
 * <p>The weight gradient stays with {@link ConvKernels}: the same per-position form costs a load
 * and a store of a partial sum per multiply-add there, slower than its GEMM (K = OH·OW is long).
 */
public final class DirectConv {
    /** The most taps (C/G·kh·kw) taken here: 3×3 over three channels, a colour image's first layer. */
    public static final int MAX_TAPS = 27;

    private DirectConv() {
    }

    /** True where this path computes the forward pass: unit strides and few taps. */
    public static boolean applies(ConvKernels.Shapes s) {
        return s.k.sh() == 1 && s.k.sw() == 1 && s.cgkk <= MAX_TAPS;
    }

    /**
     * y[n, o] (contiguous [N, O, OH, OW] from {@code yOff}, overwritten) =
     * bias[o] + Σ_t w[o, t]·cols_t(x[n]); {@code b} may be null. Samples are spread over the
     * intra-op pool.
     */
    public static void forward(float[] x, int xOff, float[] w, int wOff, float[] b, int bOff, float[] y, int yOff,
                        ConvKernels.Shapes s) {
        IntraOpPool.parallelFor(s.n, 1, (n0, n1) -> {
            float[][] cols = new float[s.cgkk][s.l];
            float[] acc = new float[s.l];
            int cg = s.c / s.groups;
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < s.groups; g++) {
                    fillColumns(x, xOff + (n * s.c + g * cg) * s.h * s.w, s, cols);
                    for (int ol = 0; ol < s.og; ol++) {
                        int o = g * s.og + ol;
                        multiplyAdd(w, wOff + o * s.cgkk, b == null ? 0f : b[bOff + o], cols, acc);
                        System.arraycopy(acc, 0, y, yOff + (n * s.o + o) * s.l, s.l);
                    }
                }
            }
        });
    }

    /**
     * cols[t][i·OW + j] = x[c, i + a·dh − ph, j + b·dw − pw] for the group's channels c (from
     * {@code base}), t = (c·kh + a)·kw + b. Positions in the padding are not written, and they are
     * zero: every call with the same shapes writes the same positions of the same arrays.
     */
    private static void fillColumns(float[] x, int base, ConvKernels.Shapes s, float[][] cols) {
        Window k = s.k;
        int cg = s.c / s.groups;
        int t = 0;
        for (int c = 0; c < cg; c++) {
            int plane = base + c * s.h * s.w;
            for (int a = 0; a < k.kh(); a++) {
                for (int b = 0; b < k.kw(); b++, t++) {
                    int shift = b * k.dw() - k.pw();   // input column of output column j is j + shift
                    int jFrom = ConvKernels.firstInside(shift, 1);
                    int jTo = ConvKernels.endInside(shift, 1, s.w, s.ow);
                    if (jFrom >= jTo) {
                        continue;
                    }
                    for (int i = 0; i < s.oh; i++) {
                        int r = i + a * k.dh() - k.ph();
                        if (r >= 0 && r < s.h) {
                            System.arraycopy(x, plane + r * s.w + shift + jFrom, cols[t], i * s.ow + jFrom, jTo - jFrom);
                        }
                    }
                }
            }
        }
    }

    /** acc[p] = bias + Σ_t w[wAt + t]·cols[t][p], taps added in order, three per pass. */
    private static void multiplyAdd(float[] w, int wAt, float bias, float[][] cols, float[] acc) {
        int l = acc.length;
        Arrays.fill(acc, bias);
        int t = 0;
        for (; t + 2 < cols.length; t += 3) {
            float w0 = w[wAt + t];
            float w1 = w[wAt + t + 1];
            float w2 = w[wAt + t + 2];
            float[] c0 = cols[t];
            float[] c1 = cols[t + 1];
            float[] c2 = cols[t + 2];
            for (int p = 0; p < l; p++) {
                acc[p] += w0 * c0[p] + w1 * c1[p] + w2 * c2[p];
            }
        }
        for (; t < cols.length; t++) {
            float wt = w[wAt + t];
            float[] ct = cols[t];
            for (int p = 0; p < l; p++) {
                acc[p] += wt * ct[p];
            }
        }
    }
}
