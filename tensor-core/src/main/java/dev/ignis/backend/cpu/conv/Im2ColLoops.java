package dev.ignis.backend.cpu.conv;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuViews;
import dev.ignis.backend.cpu.Window;

/** The CPU's float32 im2col and col2im over contiguous NCHW data; other dtypes and layouts decline (false). */
public final class Im2ColLoops {
    private Im2ColLoops() {
    }

    /**
     * im2col of a contiguous padded input [N, C, Hp, Wp] into contiguous cols [N, C, kh, kw, OH, OW]:
     * cols[n, c, a, b, i, j] = x[n, c, i·sh + a·dh, j·sw + b·dw]. Unit column stride copies whole rows.
     */
    public static boolean unfold2d(View xp, int[] g, View cols) {
        if (!CpuViews.f32Contiguous(xp, cols) || xp.dim() != 4) {
            return false;
        }
        int planes = xp.size(0) * xp.size(1);
        int hp = xp.size(2);
        int wp = xp.size(3);
        Window k = Window.of(g);
        int oh = cols.size(4);
        int ow = cols.size(5);
        float[] in = CpuViews.data(xp);
        float[] out = CpuViews.data(cols);
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
    public static boolean fold2d(View cols, int[] g, View out) {
        if (!CpuViews.f32Contiguous(cols, out) || out.dim() != 4 || cols.dim() != 6) {
            return false;
        }
        int planes = out.size(0) * out.size(1);
        int h = out.size(2);
        int w = out.size(3);
        Window k = Window.of(g);
        int oh = cols.size(4);
        int ow = cols.size(5);
        float[] in = CpuViews.data(cols);
        float[] o = CpuViews.data(out);
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
}
