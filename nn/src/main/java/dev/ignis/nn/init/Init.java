package dev.ignis.nn.init;

import dev.ignis.autograd.GradMode;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;

/**
 * Parameter initialisation (torch.nn.init). Every function fills its tensor in place, without
 * recording, from the given {@link Generator}, and returns it.
 */
public final class Init {
    private Init() {
    }

    private static Tensor fill(Tensor t, double[] values) {
        try (var ignored = GradMode.noGrad()) {
            t.copy_(Tensor.fromArray(values).reshape(t.shape()));
        }
        return t;
    }

    /** U(a, b). */
    public static Tensor uniform_(Tensor t, double a, double b, Generator gen) {
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a + (b - a) * gen.nextDouble();
        }
        return fill(t, v);
    }

    /** N(mean, std²). */
    public static Tensor normal_(Tensor t, double mean, double std, Generator gen) {
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + std * gen.nextGaussian();
        }
        return fill(t, v);
    }

    public static Tensor constant_(Tensor t, double value) {
        try (var ignored = GradMode.noGrad()) {
            return t.fill_(value);
        }
    }

    public static Tensor zeros_(Tensor t) {
        return constant_(t, 0.0);
    }

    public static Tensor ones_(Tensor t) {
        return constant_(t, 1.0);
    }

    /** N(mean, std²) redrawn until inside [a, b]. */
    public static Tensor truncNormal_(Tensor t, double mean, double std, double a, double b, Generator gen) {
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            double x;
            do {
                x = mean + std * gen.nextGaussian();
            } while (x < a || x > b);
            v[i] = x;
        }
        return fill(t, v);
    }

    /** {fan_in, fan_out}: for a weight [out, in, k...] fan_in = in·Πk, fan_out = out·Πk. */
    public static int[] fans(Tensor t) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2"
                    + " dimensions");
        }
        int receptive = t.numel() / (t.size(0) * t.size(1));
        return new int[] {t.size(1) * receptive, t.size(0) * receptive};
    }

    /** PyTorch's recommended gain: relu √2, tanh 5/3, leaky_relu √(2/(1+a²)), selu 3/4, linear/conv/sigmoid 1. */
    public static double calculateGain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                    "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        };
    }

    /** U(−b, b), b = gain·√(6/(fan_in + fan_out)). */
    public static Tensor xavierUniform_(Tensor t, double gain, Generator gen) {
        int[] f = fans(t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform_(t, -bound, bound, gen);
    }

    /** N(0, σ²), σ = gain·√(2/(fan_in + fan_out)). */
    public static Tensor xavierNormal_(Tensor t, double gain, Generator gen) {
        int[] f = fans(t);
        return normal_(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), gen);
    }

    private static double kaimingStd(Tensor t, double a, String mode, String nonlinearity) {
        int[] f = fans(t);
        int fan = switch (mode) {
            case "fan_in" -> f[0];
            case "fan_out" -> f[1];
            default -> throw new IllegalArgumentException("Mode " + mode + " not supported, please use one of fan_in,"
                    + " fan_out");
        };
        return calculateGain(nonlinearity, a) / Math.sqrt(fan);
    }

    /** U(−b, b), b = gain·√(3/fan) (He et al., 2015). */
    public static Tensor kaimingUniform_(Tensor t, double a, String mode, String nonlinearity, Generator gen) {
        double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
        return uniform_(t, -bound, bound, gen);
    }

    /** N(0, σ²), σ = gain/√fan. */
    public static Tensor kaimingNormal_(Tensor t, double a, String mode, String nonlinearity, Generator gen) {
        return normal_(t, 0, kaimingStd(t, a, mode, nonlinearity), gen);
    }

    /**
     * A (semi-)orthogonal matrix (Saxe et al., 2013): the Q of a QR decomposition of a Gaussian
     * matrix, signs fixed by R's diagonal, scaled by gain; tensors with more than 2 dims are
     * flattened to [size(0), rest].
     */
    public static Tensor orthogonal_(Tensor t, double gain, Generator gen) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("Only tensors with 2 or more dimensions are supported");
        }
        int rows = t.size(0);
        int cols = t.numel() / rows;
        boolean transpose = rows < cols;
        int m = transpose ? cols : rows;
        int n = transpose ? rows : cols;
        double[][] a = new double[n][m];   // n column vectors of length m
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                a[j][i] = gen.nextGaussian();
            }
        }
        // modified Gram–Schmidt: columns of Q; r_jj > 0 by construction, matching sign(diag(R))
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += a[k][i] * a[j][i];
                }
                for (int i = 0; i < m; i++) {
                    a[j][i] -= dot * a[k][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += a[j][i] * a[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) {
                a[j][i] /= norm;
            }
        }
        double[] v = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = gain * (transpose ? a[r][c] : a[c][r]);
            }
        }
        return fill(t, v);
    }

    /**
     * The default initialisation of PyTorch's Linear and convolution layers: weight ~
     * kaiming_uniform(a = √5), i.e. U(±1/√fan_in), and bias (if any) ~ U(±1/√fan_in).
     */
    public static void defaultLayerInit(Tensor weight, Tensor bias, Generator gen) {
        kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu", gen);
        if (bias != null) {
            int fanIn = fans(weight)[0];
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform_(bias, -bound, bound, gen);
        }
    }

    /** A float32 tensor of {@code shape} for a new parameter (filled by the layer's resetParameters). */
    public static Tensor empty(int... shape) {
        return Tensor.zeros(DType.FLOAT32, dev.ignis.tensor.Device.CPU, shape);
    }
}
