package dev.ignis.backend.cpu.elementwise;

import dev.ignis.backend.cpu.CpuBackend;
import dev.ignis.backend.cpu.gemm.CriticalBlas;


/**
 * The float32 loops of a training step in C ({@code src/main/native/ignis_vector.c}, in the
 * library {@link CriticalBlas} loads), on Java arrays pinned in place: the optimizers' updates,
 * ReLU and its gradient, a bias added to every row and a bias gradient's column sums. They run
 * compiled from the first step; the Java loops they stand in for spend the first hundreds of a
 * run's steps in the interpreter and in C1 code, waiting for the JIT. Each gives the same bits as
 * its Java loop. {@link CpuBackend} calls them for dense operands that one thread handles (larger
 * ones keep the pool's parallel loops).
 *
 * <p>Every method returns false, with nothing written, where the library did not load, on a CPU
 * without AVX2 and FMA, or when an array could not be pinned; the caller then runs its Java loop.
 * Callers check that every region lies inside its array and that a written region either
 * coincides with a read one or does not overlap it.
 */
public final class NativeVector {
    private static final boolean AVAILABLE = CriticalBlas.available() && supported();

    private NativeVector() {
    }

    public static boolean available() {
        return AVAILABLE;
    }

    /** y[yOff + i] ← fma(a, x[xOff + i], y[yOff + i]·b) for i < n, rounded as {@code Math.fma(a, x, y * b)}. */
    public static boolean axpby(int n, float a, float[] x, int xOff, float b, float[] y, int yOff) {
        return AVAILABLE && axpbyNative(n, a, x, xOff, b, y, yOff);
    }

    /** y[yOff + i] ← {@code Math.max(x[xOff + i], 0f)} for i < n (NaN kept, −0 to +0). */
    public static boolean relu(int n, float[] x, int xOff, float[] y, int yOff) {
        return AVAILABLE && reluNative(n, x, xOff, y, yOff);
    }

    /** y[yOff + i] ← b[bOff + i] ≤ 0 ? +0 : a[aOff + i] (a's bits; NaN in b passes a): ReLU's gradient. */
    public static boolean maskPositive(int n, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        return AVAILABLE && maskPositiveNative(n, a, aOff, b, bOff, y, yOff);
    }

    /** y[r, c] ← a[r, c] + bias[c] over row-major [rows, cols] blocks at the offsets. */
    public static boolean addRows(int rows, int cols, float[] a, int aOff, float[] bias, int biasOff, float[] y, int yOff) {
        return AVAILABLE && addRowsNative(rows, cols, a, aOff, bias, biasOff, y, yOff);
    }

    /** out[c] ← (float) Σ_r x[r, c], summed in double down the rows in order (as {@link CpuBackend#sumColumns}). */
    public static boolean sumColumns(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        return AVAILABLE && sumColumnsNative(rows, cols, x, xOff, out, outOff);
    }

    /** Whether [off, off + n) lies inside an array of {@code length}. */
    public static boolean inside(int off, long n, int length) {
        return off >= 0 && n >= 0 && off + n <= length;
    }

    private static boolean supported() {
        try {
            return supportedNative();
        } catch (UnsatisfiedLinkError e) {
            return false;   // a library built before these entry points
        }
    }

    private static native boolean supportedNative();

    private static native boolean axpbyNative(int n, float a, float[] x, int xOff, float b, float[] y, int yOff);

    private static native boolean reluNative(int n, float[] x, int xOff, float[] y, int yOff);

    private static native boolean maskPositiveNative(int n, float[] a, int aOff, float[] b, int bOff, float[] y,
                                                     int yOff);

    private static native boolean addRowsNative(int rows, int cols, float[] a, int aOff, float[] bias, int biasOff,
                                                float[] y, int yOff);

    private static native boolean sumColumnsNative(int rows, int cols, float[] x, int xOff, float[] out, int outOff);
}
