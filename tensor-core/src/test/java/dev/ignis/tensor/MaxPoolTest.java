package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Unpadded max pooling (the CPU kernel's 2×2/stride-2 path and its general unpadded path)
 * against a sequential scan with PyTorch's rule: the first NaN of a window wins, else the first
 * value greater than all before it — so ties keep the earliest element, and the value is that
 * element's, bit for bit (a −0 met before a +0 stays −0).
 */
class MaxPoolTest {
    private static final float[] AWKWARD = {0f, -0f, 1f, 1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN, -2f, 3.5f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE};

    @ParameterizedTest(name = "kernel {0}, stride {1}")
    @CsvSource({"2, 2", "3, 2", "2, 1"})
    void windowsPickTheValueAndFirstIndexOfASequentialScan(int k, int stride) {
        Generator g = new Generator(5);
        int n = 3;
        int c = 4;
        int h = 10;
        int w = 12;
        float[] data = new float[n * c * h * w];
        for (int i = 0; i < data.length; i++) {
            double u = g.nextDouble();
            // mostly ties among a few values, plus signed zeros, infinities, extremes and the odd NaN
            data[i] = u < 0.03 ? Float.NaN
                    : u > 0.7 ? (float) Math.floor(g.nextDouble() * 3) : AWKWARD[(int) (g.nextDouble() * AWKWARD.length)];
        }
        Tensor x = Tensor.fromArray(data, n, c, h, w).requiresGrad(true);
        Tensor y = Convolution.maxPool2d(x, new int[] {k, k}, new int[] {stride, stride}, new int[] {0, 0},
                new int[] {1, 1});
        y.sum().backward();
        float[] values = y.toFloatArray();
        float[] routed = x.grad().toFloatArray();
        float[] expectedRouted = new float[data.length];
        int oh = (h - k) / stride + 1;
        int ow = (w - k) / stride + 1;
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = -1;
                    for (int a = 0; a < k && (best < 0 || !Float.isNaN(data[best])); a++) {
                        for (int b = 0; b < k; b++) {
                            int at = p * h * w + (i * stride + a) * w + j * stride + b;
                            if (best < 0 || data[at] > data[best] || Float.isNaN(data[at])) {
                                best = at;
                                if (Float.isNaN(data[at])) {
                                    break;
                                }
                            }
                        }
                    }
                    expectedRouted[best] += 1;
                    assertEquals(Float.floatToIntBits(data[best]), Float.floatToIntBits(values[(p * oh + i) * ow + j]),
                            "window " + p + "," + i + "," + j);
                }
            }
        }
        assertArrayEquals(expectedRouted, routed, "gradient routed to the arg max of each window");
    }
}
