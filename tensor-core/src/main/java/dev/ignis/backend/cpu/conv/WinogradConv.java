package dev.ignis.backend.cpu.conv;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.cpu.CpuOptions;
import dev.ignis.backend.cpu.Fallbacks;
import dev.ignis.backend.cpu.Window;
import dev.ignis.backend.cpu.gemm.NativeBlas;
import java.util.Arrays;

/**
 * Float32 3×3 convolution with unit stride and dilation by Winograd's minimal filtering
 * F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015): each
 * 2×2 block of outputs ("tile") is {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A} from the 4×4 input patch d
 * under it, with
 * <pre>
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
 *   Aᵀ = [1 1 1 0; 0 1 −1 −1]
 * </pre>
 * Summed over input channels, the 16 elementwise products become 16 GEMMs, one per position ξ of
 * the 4×4 transformed tile: {@code M_ξ[o, p] = Σ_c U_ξ[o, c]·V_ξ[c, p]} over tiles p. That is
 * 16 multiply-adds per 4 outputs where im2col's GEMM does 36: on the Fashion CNN's second layer
 * (32→64 channels, 14×14, batch 64) OpenBLAS takes about 5.6 ms for the 16 GEMMs against 9.1 ms
 * for im2col's, and the same again for each of the two gradients.
 *
 * <p>Both gradients are this map's adjoint, so they are exact (up to rounding) for the same
 * forward: with {@code dM = A·dY·Aᵀ} per tile, {@code dU_ξ = Σ_p dM_ξ·V_ξᵀ},
 * {@code dg = Gᵀ dU G} and {@code dV_ξ = U_ξᵀ·dM_ξ}, whose tiles {@code B dV Bᵀ} add into the
 * (overlapping) input patches.
 *
 * <p>Samples go in blocks of about {@link #TARGET_POSITIONS} tiles, spread over the intra-op pool;
 * a block's transformed tiles and GEMM results stay near the core that made them. The weight gradient is
 * summed per block, then the block sums in block order, so it does not depend on the thread count.
 *
 * <p>Layouts, for a block of nb samples with T tiles each and P = nb·T: V and dV
 * {@code [16][C][P]}, M and dM {@code [16][O][P]}, U and dU {@code [16][O][C]}, tile p = n·T +
 * ty·TW + tx of the block's n-th sample.
 */
public final class WinogradConv {
    /**
     * Tiles per block (P), as far as whole samples allow: 8 Fashion-sized samples (49 tiles each)
     * make GEMMs of 392 columns, measured at one thread about as fast per multiply-add as one GEMM
     * over the batch, while a block's V and M (16·(C + O)·P floats) stay near the core.
     */
    public static final int TARGET_POSITIONS = 400;

    /**
     * The largest scratch (16·(C + O)·tiles floats, 16 MB) one sample may need: larger planes
     * (a 64-channel layer over 224×224) keep im2col's per-sample GEMMs, which need 9·C·OH·OW.
     */
    public static final long MAX_SAMPLE_SCRATCH = 1L << 22;

    private WinogradConv() {
    }

    /**
     * True for 3×3 windows with unit stride and dilation, one group and more taps than
     * {@link DirectConv} takes, where {@link WinogradNative} loaded and the options allow it
     * ({@link CpuOptions#winograd}, and a GEMM route other than pure Java: the transforms' GEMMs
     * run in the native library), and the sample's scratch and pins stay within their limits. A
     * layer of that kind that is declined for another reason is logged once, with the reason.
     */
    public static boolean applies(CpuOptions options, ConvKernels.Shapes s) {
        Window k = s.k;
        boolean kind = s.oh > 0 && s.ow > 0 && k.kh() == 3 && k.kw() == 3 && k.sh() == 1 && k.sw() == 1
                && k.dh() == 1 && k.dw() == 1 && s.groups == 1 && s.cgkk > DirectConv.MAX_TAPS;
        if (!kind || !options.winograd() || options.gemm() == CpuOptions.GemmRoute.JAVA) {
            return false;
        }
        String declined = !WinogradNative.available() ? "the native transforms did not load"
                : 16L * (s.c + s.o) * tiles(s) > MAX_SAMPLE_SCRATCH ? "a sample's tiles need more than 16 MB of scratch"
                : pinnedMultiplyAdds(s) > NativeBlas.MAX_PINNED_MULTIPLY_ADDS ? "a sample's GEMMs exceed the pin limit"
                : null;
        if (declined != null) {
            Fallbacks.once("winograd", "declined for a 3x3 layer " + s.c + " -> " + s.o + " channels over " + s.h + "x"
                    + s.w + " (" + declined + "): im2col runs");
        }
        return declined == null;
    }

    /** y (contiguous [N, O, OH, OW] at {@code yOff}, overwritten) = bias + conv(x, w); {@code b} may be null. */
    public static void forward(float[] x, int xOff, float[] w, int wOff, float[] b, int bOff, float[] y, int yOff,
                        ConvKernels.Shapes s) {
        float[] u = transformWeights(w, wOff, s.o, s.c);
        int perBlock = samplesPerBlock(s);
        IntraOpPool.parallelFor(blocks(s), 1, (b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) {
                int n0 = blk * perBlock;
                check(WinogradNative.forward(geometry(s, n0, perBlock), x, xOff + n0 * s.c * s.h * s.w, u, b, bOff,
                        y, yOff + n0 * s.o * s.l));
            }
        });
    }

    /**
     * From gy [N, O, OH, OW]: gx [N, C, H, W] and gw [O, C, 3, 3] (at their offsets, overwritten;
     * a null array is not computed) of y = conv(x, w).
     */
    public static void backward(float[] gy, int gyOff, float[] x, int xOff, float[] w, int wOff, float[] gx, int gxOff,
                         float[] gw, int gwOff, ConvKernels.Shapes s) {
        float[] u = gx == null ? null : transformWeights(w, wOff, s.o, s.c);
        int perBlock = samplesPerBlock(s);
        int blocks = blocks(s);
        float[][] blockSums = new float[blocks][];
        IntraOpPool.parallelFor(blocks, 1, (b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) {
                int n0 = blk * perBlock;
                float[] du = gw == null ? null : new float[16 * s.o * s.c];
                check(WinogradNative.backward(geometry(s, n0, perBlock), gy, gyOff + n0 * s.o * s.l,
                        gw == null ? null : x, xOff + n0 * s.c * s.h * s.w, du, u, gx, gxOff + n0 * s.c * s.h * s.w));
                blockSums[blk] = du;
            }
        });
        if (gw != null && blocks == 0) {
            Arrays.fill(gw, gwOff, gwOff + s.o * s.c * 9, 0f);
        } else if (gw != null) {
            float[] du = blockSums[0];
            for (int blk = 1; blk < blocks; blk++) {
                float[] next = blockSums[blk];
                for (int i = 0; i < du.length; i++) {
                    du[i] += next[i];
                }
            }
            transformWeightGradient(du, s.o, s.c, gw, gwOff);
        }
    }

    /** Tiles of 2×2 outputs per output plane. */
    private static int tiles(ConvKernels.Shapes s) {
        return ((s.oh + 1) / 2) * ((s.ow + 1) / 2);
    }

    /**
     * The multiply-adds of one sample's GEMMs in a backward block (both gradients, 2·16·O·C per
     * tile): the arrays stay pinned for a block, and pins are kept as short as
     * {@link NativeBlas}' ({@link NativeBlas#MAX_PINNED_MULTIPLY_ADDS}).
     */
    private static long pinnedMultiplyAdds(ConvKernels.Shapes s) {
        return 32L * s.o * s.c * tiles(s);
    }

    /** Whole samples per block; it depends on the shapes only, so the block sums do too. */
    private static int samplesPerBlock(ConvKernels.Shapes s) {
        long pinLimit = NativeBlas.MAX_PINNED_MULTIPLY_ADDS / pinnedMultiplyAdds(s);
        return (int) Math.max(1, Math.min(Math.min(s.n, TARGET_POSITIONS / tiles(s)), pinLimit));
    }

    private static int blocks(ConvKernels.Shapes s) {
        int perBlock = samplesPerBlock(s);
        return (s.n + perBlock - 1) / perBlock;
    }

    /** {nb, C, H, W, O, OH, OW, ph, pw} of the block starting at sample n0, as {@link WinogradNative} takes it. */
    private static int[] geometry(ConvKernels.Shapes s, int n0, int perBlock) {
        int nb = Math.min(perBlock, s.n - n0);
        return new int[] {nb, s.c, s.h, s.w, s.o, s.oh, s.ow, s.k.ph(), s.k.pw()};
    }

    private static void check(boolean done) {
        if (!done) {
            throw new OutOfMemoryError("conv2d (Winograd): the JVM could not pin the tensors' arrays, or the native"
                    + " scratch memory could not be allocated");
        }
    }

    /** U_ξ[o, c] = (G·w[o, c]·Gᵀ)[ξ] for the 3×3 kernels w [O, C, 3, 3] at {@code off}; returns [16][O][C]. */
    public static float[] transformWeights(float[] w, int off, int outChannels, int inChannels) {
        int stride = outChannels * inChannels;
        float[] u = new float[16 * stride];
        float[] rows = new float[12];
        for (int oc = 0; oc < stride; oc++) {
            int g = off + oc * 9;
            for (int col = 0; col < 3; col++) {
                float g0 = w[g + col];
                float g1 = w[g + 3 + col];
                float g2 = w[g + 6 + col];
                rows[col] = g0;
                rows[3 + col] = 0.5f * (g0 + g1 + g2);
                rows[6 + col] = 0.5f * (g0 - g1 + g2);
                rows[9 + col] = g2;
            }
            for (int a = 0; a < 4; a++) {
                float r0 = rows[3 * a];
                float r1 = rows[3 * a + 1];
                float r2 = rows[3 * a + 2];
                u[(4 * a) * stride + oc] = r0;
                u[(4 * a + 1) * stride + oc] = 0.5f * (r0 + r1 + r2);
                u[(4 * a + 2) * stride + oc] = 0.5f * (r0 - r1 + r2);
                u[(4 * a + 3) * stride + oc] = r2;
            }
        }
        return u;
    }

    /** gw[o, c] (3×3 at {@code off}, overwritten) = Gᵀ·dU[o, c]·G, dU [16][O][C]: the adjoint of {@link #transformWeights}. */
    public static void transformWeightGradient(float[] du, int outChannels, int inChannels, float[] gw, int off) {
        int stride = outChannels * inChannels;
        float[] rows = new float[12];
        for (int oc = 0; oc < stride; oc++) {
            for (int q = 0; q < 4; q++) {
                float u0 = du[q * stride + oc];
                float u1 = du[(4 + q) * stride + oc];
                float u2 = du[(8 + q) * stride + oc];
                float u3 = du[(12 + q) * stride + oc];
                rows[q] = u0 + 0.5f * (u1 + u2);
                rows[4 + q] = 0.5f * (u1 - u2);
                rows[8 + q] = 0.5f * (u1 + u2) + u3;
            }
            int g = off + oc * 9;
            for (int k = 0; k < 3; k++) {
                float r0 = rows[4 * k];
                float r1 = rows[4 * k + 1];
                float r2 = rows[4 * k + 2];
                float r3 = rows[4 * k + 3];
                gw[g + 3 * k] = r0 + 0.5f * (r1 + r2);
                gw[g + 3 * k + 1] = 0.5f * (r1 - r2);
                gw[g + 3 * k + 2] = 0.5f * (r1 + r2) + r3;
            }
        }
    }
}
