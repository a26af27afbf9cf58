package dev.ignis.backend.cpu.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.cpu.gemm.CriticalBlas;
import dev.ignis.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native loops of {@link NativeVector} against the Java definitions they stand in for, bit for
 * bit: ReLU ({@code Math.max(x, 0f)}), its gradient (a where b > 0 or b is NaN, else +0), a bias
 * added to every row, and column sums accumulated in double down the rows. Inputs include zeros
 * of both signs, subnormals, infinities and NaN; lengths leave a tail after the 8-wide loop;
 * regions sit at offsets inside larger arrays, whose other elements must stay untouched. Then the
 * tensor ops that reach them (relu and its backward, a broadcast add, a sum over dim 0).
 */
class NativeVectorTest {
    private static final float UNTOUCHED = 12345f;

    @BeforeEach
    void assumeNative() {
        assumeTrue(NativeVector.available(), "no native loops: bridge " + CriticalBlas.status() + " (or no AVX2/FMA)");
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"1", "8", "13", "4099"})
    void reluIsMathMax(int n) {
        Random r = new Random(n);
        float[] x = NativeAxpbyTest.randomWithSpecials(r, n + 6);
        x[3] = Float.intBitsToFloat(0x7fc00123);   // a NaN with a payload, kept as it is
        float[] y = filled(n + 4);
        assertTrue(NativeVector.relu(n, x, 2, y, 1));
        float[] want = filled(n + 4);
        for (int i = 0; i < n; i++) {
            float v = x[2 + i];
            want[1 + i] = v != v ? v : v > 0 ? v : 0f;
        }
        assertBits(want, y);
        float[] inPlace = x.clone();
        assertTrue(NativeVector.relu(n, inPlace, 2, inPlace, 2));
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(want[1 + i]), Float.floatToRawIntBits(inPlace[2 + i]), "in place " + i);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"1", "8", "13", "4099"})
    void maskPositivePassesAWhereBIsPositiveOrNaN(int n) {
        Random r = new Random(n + 1);
        float[] a = NativeAxpbyTest.randomWithSpecials(r, n + 3);
        float[] b = NativeAxpbyTest.randomWithSpecials(r, n + 5);
        float[] y = filled(n + 2);
        assertTrue(NativeVector.maskPositive(n, a, 3, b, 5, y, 2));
        float[] want = filled(n + 2);
        for (int i = 0; i < n; i++) {
            float bv = b[5 + i];
            want[2 + i] = bv <= 0 ? 0f : a[3 + i];
        }
        assertBits(want, y);
    }

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1, 1", "3, 7", "64, 256", "5, 1030"})
    void addRowsAddsTheBiasToEveryRow(int rows, int cols) {
        Random r = new Random(rows * 31L + cols);
        float[] a = NativeAxpbyTest.randomWithSpecials(r, rows * cols + 4);
        float[] bias = NativeAxpbyTest.randomWithSpecials(r, cols + 1);
        float[] y = filled(rows * cols + 2);
        assertTrue(NativeVector.addRows(rows, cols, a, 4, bias, 1, y, 2));
        float[] want = filled(rows * cols + 2);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                want[2 + i * cols + j] = a[4 + i * cols + j] + bias[1 + j];
            }
        }
        assertBits(want, y);
    }

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1, 1", "64, 10", "64, 256", "3, 1500"})
    void sumColumnsAddsInDoubleDownTheRows(int rows, int cols) {
        Random r = new Random(rows * 17L + cols);
        float[] x = NativeAxpbyTest.randomWithSpecials(r, rows * cols + 3);
        float[] out = filled(cols + 2);
        assertTrue(NativeVector.sumColumns(rows, cols, x, 3, out, 1));
        float[] want = filled(cols + 2);
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                sum += x[3 + i * cols + j];
            }
            want[1 + j] = (float) sum;
        }
        assertBits(want, out);
    }

    @Test
    void theTensorOpsGiveTheJavaLoopsBits() {
        Random r = new Random(9);
        float[] xv = NativeAxpbyTest.randomWithSpecials(r, 64 * 256);
        float[] bv = NativeAxpbyTest.randomWithSpecials(r, 256);
        float[] wv = NativeAxpbyTest.randomWithSpecials(r, 64 * 256);
        Tensor x = Tensor.fromArray(xv, 64, 256).requiresGrad(true);
        Tensor bias = Tensor.fromArray(bv, 256).requiresGrad(true);
        Tensor y = x.add(bias).relu();
        // weighted, so that ReLU's incoming gradient (w) is a contiguous tensor, as in training
        y.mul(Tensor.fromArray(wv, 64, 256)).sum().backward();
        float[] got = y.toFloatArray();
        float[] gradX = x.grad().toFloatArray();
        float[] gradB = bias.grad().toFloatArray();
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 256; j++) {
                float pre = xv[i * 256 + j] + bv[j];
                float out = Math.max(pre, 0f);
                assertEquals(Float.floatToIntBits(out), Float.floatToIntBits(got[i * 256 + j]), "relu " + i + "," + j);
                float grad = out <= 0 ? 0f : wv[i * 256 + j];
                assertEquals(Float.floatToIntBits(grad), Float.floatToIntBits(gradX[i * 256 + j]), "grad " + i + "," + j);
            }
        }
        for (int j = 0; j < 256; j++) {
            double sum = 0;
            for (int i = 0; i < 64; i++) {
                sum += gradX[i * 256 + j];
            }
            assertEquals(Float.floatToIntBits((float) sum), Float.floatToIntBits(gradB[j]), "bias grad " + j);
        }
    }

    private static float[] filled(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, UNTOUCHED);
        return v;
    }

    private static void assertBits(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    "element " + i + ": want " + want[i] + " got " + got[i]);
        }
    }
}
