package dev.ignis.backend.cpu.pool;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuStorage;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.cpu.Window;

/**
 * The CPU's float32 max pooling over contiguous NCHW data, with the arg max of each window as its
 * flat position in the input plane, and its backward. Other dtypes and layouts decline (false),
 * and the family's reference runs.
 */
public final class MaxPoolLoops {
    private MaxPoolLoops() {
    }

    public static boolean maxPool2d(View x, int[] g, View out, View indices) {
        if (!CpuViews.f32Contiguous(x, out) || x.dim() != 4) {
            return false;
        }
        int planes = x.size(0) * x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        int oh = out.size(2);
        int ow = out.size(3);
        Window k = Window.of(g);
        float[] in = CpuViews.data(x);
        float[] o = CpuViews.data(out);
        long[] idx = ((CpuStorage) indices.storage()).int64();
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

    public static boolean maxPool2dBackward(View grad, View indices, View gradInput) {
        if (!CpuViews.f32Contiguous(grad, gradInput) || !indices.isContiguous()) {
            return false;
        }
        int planes = gradInput.size(0) * gradInput.size(1);
        int plane = gradInput.size(2) * gradInput.size(3);
        int outPlane = grad.size(2) * grad.size(3);
        float[] g = CpuViews.data(grad);
        float[] gi = CpuViews.data(gradInput);
        long[] idx = ((CpuStorage) indices.storage()).int64();
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
}
