package dev.ignis.backend.cpu.conv;

import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuOptions;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.cpu.Window;
import dev.ignis.backend.cpu.elementwise.ElementwiseLoops;
import dev.ignis.backend.cpu.gemm.CpuGemm;
import java.util.Arrays;

/**
 * Float32 2-D convolution, one sample at a time: the sample's im2col columns
 * [C·kh·kw, OH·OW] are built in a buffer that stays in cache, multiplied by the weights straight
 * into the output's [O, OH·OW] block (which is already the NCHW layout), and reused for the next
 * sample. Building the columns of the whole batch first (what the composed path in
 * {@code Convolution} does) allocates, zeroes and streams through memory a buffer kh·kw times the
 * input; here that traffic stays in the core's cache. Samples are spread over the intra-op pool;
 * each GEMM runs on its own thread. The forward pass of unit-stride layers with few taps per
 * output (a first layer, a depthwise convolution) is {@link DirectConv}'s; ungrouped 3×3
 * unit-stride layers with more taps run forward and backward by {@link WinogradConv}.
 *
 * <p>Notation: x [N, C, H, W], weight [O, C/G, kh, kw] with G groups, og = O/G output channels
 * and cgkk = C/G·kh·kw rows of columns per group, L = OH·OW output positions.
 */
public final class ConvKernels {
    /**
     * Weight gradients are summed per block of samples, then the block sums in block order, so the
     * result does not depend on the thread count. Blocks hold at least this many samples...
     */
    private static final int MIN_SAMPLES_PER_BLOCK = 8;

    /**
     * ...and there are at most this many, which bounds the partial sums held at once to this many
     * copies of the weight (the composed path held one per sample) while leaving up to this many
     * threads work.
     */
    private static final int MAX_BLOCKS = 16;

    private ConvKernels() {
    }

    /**
     * out[n, o] = bias[o] + W_g(o)·cols(x[n], g(o)); all operands contiguous float32, out
     * [N, O, OH, OW] overwritten. False (nothing written) for other dtypes or layouts.
     */
    public static boolean forward(View x, View weight, View bias, int[] geometry, int groups, View out,
                           CpuOptions options) {
        if (!CpuViews.f32Contiguous(x, weight, bias, out) || x.dim() != 4) {
            return false;
        }
        Shapes s = new Shapes(x, weight, out, geometry, groups);
        float[] in = CpuViews.data(x);
        float[] w = CpuViews.data(weight);
        float[] y = CpuViews.data(out);
        float[] b = bias == null ? null : CpuViews.data(bias);
        int xOff = x.offset();
        int wOff = weight.offset();
        int yOff = out.offset();
        int bOff = bias == null ? 0 : bias.offset();
        if (DirectConv.applies(s)) {
            DirectConv.forward(in, xOff, w, wOff, b, bOff, y, yOff, s);
            return true;
        }
        if (WinogradConv.applies(options, s)) {
            WinogradConv.forward(in, xOff, w, wOff, b, bOff, y, yOff, s);
            return true;
        }
        IntraOpPool.parallelFor(s.n, 1, (n0, n1) -> {
            float[] cols = new float[s.groups * s.cgkk * s.l];
            for (int n = n0; n < n1; n++) {
                im2col(in, xOff + n * s.c * s.h * s.w, s, cols);
                for (int g = 0; g < s.groups; g++) {
                    CpuGemm.sgemm(options.gemm(), false, false, s.og, s.l, s.cgkk, w, wOff + g * s.og * s.cgkk, s.cgkk,
                            cols, g * s.cgkk * s.l, s.l, y, yOff + (n * s.o + g * s.og) * s.l, s.l);
                }
                if (b != null) {
                    for (int o = 0; o < s.o; o++) {
                        float bo = b[bOff + o];
                        int row = yOff + (n * s.o + o) * s.l;
                        for (int j = 0; j < s.l; j++) {
                            y[row + j] += bo;
                        }
                    }
                }
            }
        });
        return true;
    }

    /**
     * From grad [N, O, OH, OW]: gradInput[n] = col2im(W_gᵀ·grad[n, g]) and
     * gradWeight_g = Σ_n grad[n, g]·cols(x[n], g)ᵀ, both overwritten (either may be null). All
     * operands contiguous float32; false (nothing written) otherwise.
     */
    public static boolean backward(View grad, View x, View weight, int[] geometry, int groups, View gradInput,
                            View gradWeight, CpuOptions options) {
        if (!CpuViews.f32Contiguous(grad, x, weight, gradInput, gradWeight) || x.dim() != 4) {
            return false;
        }
        Shapes s = new Shapes(x, weight, grad, geometry, groups);
        float[] gy = CpuViews.data(grad);
        float[] in = CpuViews.data(x);
        float[] w = CpuViews.data(weight);
        int gyOff = grad.offset();
        int xOff = x.offset();
        int wOff = weight.offset();
        if (WinogradConv.applies(options, s)) {
            WinogradConv.backward(gy, gyOff, in, xOff, w, wOff,
                    gradInput == null ? null : CpuViews.data(gradInput), gradInput == null ? 0 : gradInput.offset(),
                    gradWeight == null ? null : CpuViews.data(gradWeight), gradWeight == null ? 0 : gradWeight.offset(),
                    s);
            return true;
        }
        int weightSize = s.o * s.cgkk;
        int blocks = Math.min(MAX_BLOCKS, (s.n + MIN_SAMPLES_PER_BLOCK - 1) / MIN_SAMPLES_PER_BLOCK);
        int perBlock = blocks == 0 ? 0 : (s.n + blocks - 1) / blocks;
        float[][] blockSums = gradWeight == null ? null : new float[blocks][];
        IntraOpPool.parallelFor(blocks, 1, (b0, b1) -> {
            float[] cols = new float[s.groups * s.cgkk * s.l];
            float[] product = gradWeight == null ? null : new float[s.og * s.cgkk];
            for (int blk = b0; blk < b1; blk++) {
                float[] sum = gradWeight == null ? null : new float[weightSize];
                for (int n = blk * perBlock; n < Math.min(s.n, (blk + 1) * perBlock); n++) {
                    int gyAt = gyOff + n * s.o * s.l;
                    if (gradWeight != null) {
                        im2col(in, xOff + n * s.c * s.h * s.w, s, cols);
                        for (int g = 0; g < s.groups; g++) {
                            CpuGemm.sgemm(options.gemm(), false, true, s.og, s.cgkk, s.l, gy, gyAt + g * s.og * s.l, s.l,
                                    cols, g * s.cgkk * s.l, s.l, product, 0, s.cgkk);
                            addInto(sum, g * s.og * s.cgkk, product);
                        }
                    }
                    if (gradInput != null) {
                        for (int g = 0; g < s.groups; g++) {
                            CpuGemm.sgemm(options.gemm(), true, false, s.cgkk, s.l, s.og, w, wOff + g * s.og * s.cgkk, s.cgkk,
                                    gy, gyAt + g * s.og * s.l, s.l, cols, g * s.cgkk * s.l, s.l);
                        }
                        col2im(cols, s, CpuViews.data(gradInput), gradInput.offset() + n * s.c * s.h * s.w);
                    }
                }
                if (blockSums != null) {
                    blockSums[blk] = sum;
                }
            }
        });
        if (gradWeight != null) {
            float[] gw = CpuViews.data(gradWeight);
            int gwOff = gradWeight.offset();
            Arrays.fill(gw, gwOff, gwOff + weightSize, 0f);
            for (float[] sum : blockSums) {
                addInto(gw, gwOff, sum);
            }
        }
        return true;
    }

    /** dst[at + i] += src[i] for every i of src, by the elementwise add's row loop (vectorised at offset 0). */
    private static void addInto(float[] dst, int at, float[] src) {
        ElementwiseLoops.binaryF32(BinaryOp.ADD, dst, at, 1, src, 0, 1, dst, at, 1, src.length);
    }

    /**
     * One sample's columns: cols[(c·kh + a)·kw + b, i·OW + j] = x[c, i·sh + a·dh − ph, j·sw + b·dw − pw],
     * zero where that position lies in the padding. Every entry of cols is written.
     */
    private static void im2col(float[] x, int xOff, Shapes s, float[] cols) {
        Window k = s.k;
        // "same"-size unit-stride windows: a block of output rows reads a block of whole input rows
        boolean rowsContiguous = k.sh() == 1 && k.dh() == 1 && k.sw() == 1 && k.dw() == 1 && s.ow == s.w;
        int dst = 0;
        for (int c = 0; c < s.c; c++) {
            int plane = xOff + c * s.h * s.w;
            for (int a = 0; a < k.kh(); a++) {
                for (int b = 0; b < k.kw(); b++) {
                    int shift = b * k.dw() - k.pw();   // input column of output column j is j·sw + shift
                    int jFrom = firstInside(shift, k.sw());
                    int jTo = endInside(shift, k.sw(), s.w, s.ow);
                    if (rowsContiguous) {
                        shiftedPlane(x, plane + (a - k.ph()) * s.w + shift, s, a - k.ph(), jFrom, jTo, cols, dst);
                        dst += s.oh * s.ow;
                        continue;
                    }
                    for (int i = 0; i < s.oh; i++, dst += s.ow) {
                        int r = i * k.sh() + a * k.dh() - k.ph();
                        if (r < 0 || r >= s.h || jFrom >= jTo) {
                            Arrays.fill(cols, dst, dst + s.ow, 0f);
                            continue;
                        }
                        Arrays.fill(cols, dst, dst + jFrom, 0f);
                        int src = plane + r * s.w + shift;
                        if (k.sw() == 1) {
                            // a plain loop: rows are short (OW), where arraycopy's call costs more than the copy
                            for (int j = jFrom; j < jTo; j++) {
                                cols[dst + j] = x[src + j];
                            }
                        } else {
                            for (int j = jFrom; j < jTo; j++) {
                                cols[dst + j] = x[src + j * k.sw()];
                            }
                        }
                        Arrays.fill(cols, dst + jTo, dst + s.ow, 0f);
                    }
                }
            }
        }
    }

    /**
     * im2col's block for one (channel, a, b) when windows have unit stride and dilation and the
     * output is as wide as the input: cols[dst + i·W + j] = x[src + i·W + j] where input row
     * i + rowShift lies inside and j in [jFrom, jTo), else 0. Rows of both advance by W, so the
     * inside rows are one copy (a few hundred floats instead of one short loop per row); the
     * copy's columns outside [jFrom, jTo) read the neighbouring rows and are zeroed after.
     */
    private static void shiftedPlane(float[] x, int src, Shapes s, int rowShift, int jFrom, int jTo, float[] cols,
                                     int dst) {
        int w = s.w;
        int iFrom = Math.max(0, -rowShift);
        int iTo = Math.min(s.oh, s.h - rowShift);
        if (iFrom >= iTo || jFrom >= jTo) {
            Arrays.fill(cols, dst, dst + s.oh * w, 0f);
            return;
        }
        Arrays.fill(cols, dst, dst + iFrom * w, 0f);
        int first = iFrom * w + jFrom;
        int end = (iTo - 1) * w + jTo;
        System.arraycopy(x, src + first, cols, dst + first, end - first);
        for (int i = iFrom; i < iTo; i++) {
            int row = dst + i * w;
            for (int j = 0; j < jFrom; j++) {
                cols[row + j] = 0f;
            }
            for (int j = jTo; j < w; j++) {
                cols[row + j] = 0f;
            }
        }
        Arrays.fill(cols, dst + iTo * w, dst + s.oh * w, 0f);
    }

    /** col2im of one sample: out[c] (overwritten) = the sum of its columns put back where im2col took them. */
    private static void col2im(float[] cols, Shapes s, float[] out, int outOff) {
        Arrays.fill(out, outOff, outOff + s.c * s.h * s.w, 0f);
        for (int c = 0; c < s.c; c++) {
            addColumnsOfPlane(cols, c * s.k.kh() * s.k.kw() * s.oh * s.ow, s.k, s.oh, s.ow, out,
                    outOff + c * s.h * s.w, s.h, s.w);
        }
    }

    /**
     * Adds the kh·kw·OH·OW columns of one input plane (at {@code src}) into that plane (at
     * {@code dst}, H×W), out[i·sh + a·dh − ph, j·sw + b·dw − pw] += cols[a, b, i, j]; entries in
     * the padding are dropped.
     */
    public static void addColumnsOfPlane(float[] cols, int src, Window k, int oh, int ow, float[] out, int dst, int h, int w) {
        for (int a = 0; a < k.kh(); a++) {
            for (int b = 0; b < k.kw(); b++) {
                int shift = b * k.dw() - k.pw();
                int jFrom = firstInside(shift, k.sw());
                int jTo = endInside(shift, k.sw(), w, ow);
                for (int i = 0; i < oh; i++, src += ow) {
                    int r = i * k.sh() + a * k.dh() - k.ph();
                    if (r < 0 || r >= h) {
                        continue;
                    }
                    int row = dst + r * w + shift;
                    if (k.sw() == 1) {
                        for (int j = jFrom; j < jTo; j++) {
                            out[row + j] += cols[src + j];
                        }
                    } else {
                        for (int j = jFrom; j < jTo; j++) {
                            out[row + j * k.sw()] += cols[src + j];
                        }
                    }
                }
            }
        }
    }

    /** The first output column j whose input column j·stride + shift is ≥ 0. */
    public static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the last output column (< ow) whose input column j·stride + shift is < width. */
    public static int endInside(int shift, int stride, int width, int ow) {
        return Math.min(ow, width - 1 - shift < 0 ? 0 : (width - 1 - shift) / stride + 1);
    }

    /** The sizes every loop above needs, read once from the operands. */
    public static final class Shapes {
        final int n;
        final int c;
        final int h;
        final int w;
        final int o;
        final int groups;
        final int og;
        final int cgkk;
        final int oh;
        final int ow;
        final int l;
        final Window k;

        Shapes(View x, View weight, View out, int[] geometry, int groups) {
            this.n = x.size(0);
            this.c = x.size(1);
            this.h = x.size(2);
            this.w = x.size(3);
            this.o = weight.size(0);
            this.groups = groups;
            this.og = o / groups;
            this.k = Window.of(geometry);
            this.cgkk = weight.size(1) * k.kh() * k.kw();
            this.oh = out.size(2);
            this.ow = out.size(3);
            this.l = oh * ow;
        }
    }
}
