package dev.ignis.backend.cpu.conv;

import dev.ignis.backend.cpu.gemm.CriticalBlas;


/**
 * The tile transforms and GEMMs of one block of samples of {@link WinogradConv}, in Ignis' JNI
 * library ({@code src/main/native/ignis_winograd.c}, loaded with {@link CriticalBlas}). The arrays
 * are pinned for the call, as {@link CriticalBlas} pins a GEMM's. Geometry arrays are
 * {@code {nb, C, H, W, O, OH, OW, ph, pw}}: the block's samples, channels, input and output
 * sizes, and padding.
 */
public final class WinogradNative {
    private static final boolean AVAILABLE = CriticalBlas.available() && linkedSafely();

    private WinogradNative() {
    }

    /** True where the library loaded, has these entry points and found OpenBLAS' {@code cblas_sgemm}. */
    public static boolean available() {
        return AVAILABLE;
    }

    // a library built before these entry points existed loads, but lacks them
    private static boolean linkedSafely() {
        try {
            return linked();
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static native boolean linked();

    /**
     * y[n, o] (the block's samples from {@code yOff}, overwritten) = bias[o] + conv(x[n], w[o]),
     * with u the weights transformed by {@link WinogradConv#transformWeights}; bias may be null.
     *
     * @return false, with nothing written, when an array could not be pinned or memory allocated
     */
    public static native boolean forward(int[] geometry, float[] x, int xOff, float[] u, float[] bias, int biasOff,
                                  float[] y, int yOff);

    /**
     * From gy (the block's output gradient from {@code gyOff}): du [16][O][C] (overwritten) =
     * Σ_p dM_ξ·V_ξᵀ when du is not null (x is then read, else it may be null); gx (the block's
     * input gradient from {@code gxOff}, overwritten) when gx is not null (u is then read, else it
     * may be null).
     *
     * @return false, with nothing written, when an array could not be pinned or memory allocated
     */
    public static native boolean backward(int[] geometry, float[] gy, int gyOff, float[] x, int xOff, float[] du,
                                   float[] u, float[] gx, int gxOff);
}
