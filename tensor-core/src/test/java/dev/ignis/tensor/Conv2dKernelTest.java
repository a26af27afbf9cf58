package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ignis.backend.IntraOpPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's float32 convolution kernel (per-sample im2col in cache) against the composed
 * im2col + bmm + col2im path, which float64 tensors take and the gradient checks cover: forward
 * output and the gradients of input, weight and bias, over geometries that exercise padding on
 * every side, strides, dilation and groups. The unit-stride cases with at most 27 taps per output
 * (C/groups·kh·kw) take the direct forward kernel; ungrouped 3×3 unit-stride ones with more taps
 * take Winograd's (forward and both gradients), the others the GEMM one.
 */
class Conv2dKernelTest {
    private final int threadsBefore = IntraOpPool.threads();

    @AfterEach
    void restoreThreads() {
        IntraOpPool.setThreads(threadsBefore);
    }

    /** {N, C, H, W, O, C/groups, kh, kw}, then stride, padding, dilation (h, w each), groups, bias. */
    private record Case(String name, int[] x, int[] w, int[] stride, int[] padding, int[] dilation, int groups,
                        boolean bias) {
    }

    private static final Case[] CASES = {
        new Case("3x3 pad 1, bias, 11 samples (two weight-gradient blocks)", new int[] {11, 3, 7, 6},
                new int[] {5, 3, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true),
        new Case("stride (2, 1), padding (0, 2), dilation (1, 2), 2 groups, no bias", new int[] {3, 4, 9, 8},
                new int[] {6, 2, 2, 3}, new int[] {2, 1}, new int[] {0, 2}, new int[] {1, 2}, 2, false),
        new Case("5x5 kernel on a 3x4 image, padding 2: whole rows and columns in the padding", new int[] {2, 2, 3, 4},
                new int[] {3, 2, 5, 5}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 1, true),
        new Case("stride 3, padding 1, 1x1-like output columns", new int[] {4, 1, 10, 5},
                new int[] {2, 1, 3, 2}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, 1, true),
        new Case("150 samples: 16 weight-gradient blocks of 10, the last one empty", new int[] {150, 2, 4, 4},
                new int[] {3, 2, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true),
        new Case("direct: one input channel, 3x3 pad 1 (a grayscale first layer)", new int[] {5, 1, 9, 7},
                new int[] {4, 1, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true),
        new Case("direct: depthwise 3x3, dilation 2, padding (2, 1)", new int[] {3, 4, 8, 9},
                new int[] {8, 1, 3, 3}, new int[] {1, 1}, new int[] {2, 1}, new int[] {2, 2}, 4, true),
        new Case("direct: 2x2 kernel, 4 taps (not a multiple of 3), no padding, no bias", new int[] {2, 1, 5, 6},
                new int[] {3, 1, 2, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, false),
        new Case("direct: 5x5 over a 3x4 image, padding 2: whole rows and columns in the padding",
                new int[] {2, 1, 3, 4}, new int[] {2, 1, 5, 5}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 1,
                true),
        new Case("direct: 2 groups of 2 channels, 2x3 kernel, dilation (1, 2), padding (0, 2)", new int[] {3, 4, 6, 8},
                new int[] {6, 2, 2, 3}, new int[] {1, 1}, new int[] {0, 2}, new int[] {1, 2}, 2, true),
        new Case("winograd: 3x3 pad 1, 5 channels, odd 14x13 output, 11 samples (blocks of 8 and 3 samples)",
                new int[] {11, 5, 14, 13}, new int[] {6, 5, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1,
                true),
        new Case("winograd: no padding, 4 channels, 7x6 output, no bias", new int[] {3, 4, 9, 8},
                new int[] {3, 4, 3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, false),
        new Case("winograd: padding (2, 0), odd 13x14 output, 17 samples (blocks of 8, 8 and 1)",
                new int[] {17, 6, 11, 16}, new int[] {4, 6, 3, 3}, new int[] {1, 1}, new int[] {2, 0}, new int[] {1, 1}, 1,
                true),
        new Case("winograd: padding (3, 1) larger than the kernel reaches: rows of outputs see only zeros",
                new int[] {2, 4, 3, 3}, new int[] {2, 4, 3, 3}, new int[] {1, 1}, new int[] {3, 1}, new int[] {1, 1}, 1,
                true),
    };

    @Test
    void float32KernelMatchesTheComposedFloat64Path() {
        for (Case c : CASES) {
            Tensor[] f32 = run(c, DType.FLOAT32, 2);
            Tensor[] f64 = run(c, DType.FLOAT64, 2);
            String[] names = {"output", "grad input", "grad weight", "grad bias"};
            for (int i = 0; i < f32.length; i++) {
                if (f64[i] == null) {
                    continue;
                }
                assertArrayEquals(f64[i].shape(), f32[i].shape(), c.name() + ": " + names[i]);
                double[] want = f64[i].toDoubleArray();
                double[] got = f32[i].toDoubleArray();
                // float32 rounding scales with the summed terms, not with a (possibly cancelled)
                // result, so the bound is relative to the tensor's largest magnitude; Winograd's
                // transforms add a few roundings at that scale (measured up to 5e-7 of it)
                double scale = 0;
                for (double v : want) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int k = 0; k < want.length; k++) {
                    assertEquals(want[k], got[k], 2e-6 * (1 + scale), c.name() + ": " + names[i] + " at " + k);
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        for (Case c : CASES) {
            Tensor[] one = run(c, DType.FLOAT32, 1);
            Tensor[] two = run(c, DType.FLOAT32, 2);
            for (int i = 0; i < one.length; i++) {
                if (one[i] != null) {
                    assertArrayEquals(one[i].toFloatArray(), two[i].toFloatArray(), c.name() + ", tensor " + i);
                }
            }
        }
    }

    @Test
    void noBiasGradientWhenTheInputAloneRequiresGrad() {
        Generator gen = new Generator(5);
        Tensor x = Tensor.randn(gen, 2, 3, 5, 5).requiresGrad(true);
        Tensor w = Tensor.randn(gen, 4, 3, 3, 3);
        Convolution.conv2d(x, w, null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1).sum().backward();
        Tensor x64 = x.detach().to(DType.FLOAT64).requiresGrad(true);
        Convolution.conv2d(x64, w.to(DType.FLOAT64), null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1)
                .sum().backward();
        double[] want = x64.grad().toDoubleArray();
        double[] got = x.grad().toDoubleArray();
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], got[k], 1e-5 * (1 + Math.abs(want[k])));
        }
        assertNull(w.grad(), "the weight does not require grad");
    }

    /** {output, grad x, grad w, grad b} of sum(conv2d(x, w, b) · r) for a fixed random r. */
    private static Tensor[] run(Case c, DType dtype, int threads) {
        IntraOpPool.setThreads(threads);
        Generator gen = new Generator(42);
        Tensor x = Tensor.randn(gen, c.x()).to(dtype).requiresGrad(true);
        Tensor w = Tensor.randn(gen, c.w()).to(dtype).requiresGrad(true);
        Tensor b = c.bias() ? Tensor.randn(gen, c.w()[0]).to(dtype).requiresGrad(true) : null;
        Tensor out = Convolution.conv2d(x, w, b, c.stride(), c.padding(), c.dilation(), c.groups());
        Tensor r = Tensor.randn(gen, out.shape()).to(dtype);
        out.mul(r).sum().backward();
        return new Tensor[] {out.detach(), x.grad(), w.grad(), b == null ? null : b.grad()};
    }
}
