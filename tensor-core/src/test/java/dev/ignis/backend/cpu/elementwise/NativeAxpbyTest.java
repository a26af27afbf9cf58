package dev.ignis.backend.cpu.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.cpu.gemm.CriticalBlas;
import dev.ignis.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native y ← fma(a, x, y·b) ({@link NativeVector#axpby}, which the optimizers' updates run)
 * against Java's {@code Math.fma(a, x, y * b)}: the same roundings, so the same bits, at offsets
 * inside larger arrays, for lengths that leave a tail after the vector loop, and through the
 * tensor ops that reach it ({@code add_} with alpha, {@code mulAdd_}).
 */
class NativeAxpbyTest {
    @ParameterizedTest(name = "n={0} a={1} b={2}")
    @CsvSource({"1, 0.5, 1", "7, -0.05, 0.9", "1029, 1.7, -3", "235146, -0.05, 0.9", "4099, 3e-39, 1e30"})
    void matchesJavasFmaBitForBit(int n, float a, float b) {
        assumeNative();
        Random r = new Random(n);
        float[] x = randomWithSpecials(r, n + 9);
        float[] y = randomWithSpecials(r, n + 5);
        float[] want = y.clone();
        for (int i = 0; i < n; i++) {
            want[3 + i] = Math.fma(a, x[7 + i], want[3 + i] * b);
        }
        assertTrue(NativeVector.axpby(n, a, x, 7, b, y, 3), "the CPU has no AVX2/FMA or the pin failed");
        for (int i = 0; i < y.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(y[i]),
                    "element " + i + ": want " + want[i] + " got " + y[i]);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"2048", "300000"})
    void tensorUpdatesGiveJavasBits(int n) {
        assumeNative();
        Random r = new Random(7);
        float[] x = randomWithSpecials(r, n);
        float[] y = randomWithSpecials(r, n);
        float[] want = y.clone();
        for (int i = 0; i < n; i++) {
            want[i] = Math.fma(0.1f, x[i], Math.fma(-0.05f, x[i], want[i]) * 0.9f);
        }
        Tensor tx = Tensor.fromArray(x, n);
        Tensor ty = Tensor.fromArray(y, n);
        ty.add_(tx, -0.05).mulAdd_(0.9, tx, 0.1);
        float[] got = ty.toFloatArray();
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "element " + i);
        }
    }

    private static void assumeNative() {
        assumeTrue(NativeVector.available(), "no native loops: bridge " + CriticalBlas.status() + " (or no AVX2/FMA)");
    }

    /** Normal values of mixed magnitudes, plus zeros of both signs, subnormals, infinities and NaN. */
    static float[] randomWithSpecials(Random r, int n) {
        float[] v = new float[n];
        float[] specials = {0f, -0f, Float.MIN_VALUE, -1e-40f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NaN, Float.MAX_VALUE};
        for (int i = 0; i < n; i++) {
            v[i] = i % 97 == 5 ? specials[r.nextInt(specials.length)]
                    : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        }
        return v;
    }
}
