package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;

/**
 * Training-mode batch normalisation over every dim but 1 (Ioffe and Szegedy, 2015) and its
 * backward. The references are channel sums (a permuted copy and {@link Backend#reduceRows}) and
 * broadcast elementwise primitives.
 */
public final class BatchNormKernels {
    private BatchNormKernels() {
    }

    /**
     * For contiguous x [N, C, *]: mean[c] and invstd[c] = 1/√(σ²[c] + eps) with the biased
     * variance σ², written into the [C] vectors, and out (x's shape, contiguous) =
     * (x − mean)·invstd·w + b, w and b [C] or null.
     */
    @FunctionalInterface
    public interface Forward {
        void run(Backend device, View x, View weight, View bias, double eps, View out, View mean, View invstd);
    }

    /**
     * From the saved mean and invstd, with x̂ = (x − mean)·invstd and M = N·Π*:
     * dx = w·invstd/M·(M·g − Σg − x̂·Σ(g·x̂)), dw = Σ(g·x̂), db = Σg, sums per channel. Each of
     * gradInput (x's shape), gradWeight and gradBias ([C]) may be null; the others are overwritten.
     */
    @FunctionalInterface
    public interface Backward {
        void run(Backend device, View grad, View x, View weight, View mean, View invstd, View gradInput,
                 View gradWeight, View gradBias);
    }

    public static final KernelFamily<Forward> FORWARD =
            KernelFamily.of("batch_norm", Forward.class, BatchNormKernels::forwardReference);
    public static final KernelFamily<Backward> BACKWARD =
            KernelFamily.of("batch_norm_backward", Backward.class, BatchNormKernels::backwardReference);

    static void forwardReference(Backend device, View x, View weight, View bias, double eps, View out, View mean,
                                 View invstd) {
        View x3 = Temp.asNcs(x);
        int n = x3.size(0);
        int c = x3.size(1);
        int s = x3.size(2);
        double m = (double) n * s;
        Temp.channelSums(device, x3, mean);
        device.unary(UnaryOp.MUL_SCALAR, mean, 1.0 / m, 0, mean);
        View centered = Temp.zeros(device, x.dtype(), x, n, c, s);
        device.binary(BinaryOp.SUB, x3, Temp.perChannel(mean, n, s), centered);
        device.binary(BinaryOp.MUL, centered, centered, centered);
        View variance = Temp.zeros(device, x.dtype(), x, c);
        Temp.channelSums(device, centered, variance);
        device.unary(UnaryOp.MUL_SCALAR, variance, 1.0 / m, 0, variance);
        device.binary(BinaryOp.ADD, variance, Temp.scalar(device, x.dtype(), x, eps).expand(c), variance);
        device.unary(UnaryOp.RSQRT, variance, 0, 0, invstd);
        normalize(device, x3, mean, invstd, weight, bias, Temp.asNcs(out));
    }

    /** y3 = (x3 − mean)·invstd·w + b over [N, C, S] (w, b may be null). */
    static void normalize(Backend device, View x3, View mean, View invstd, View weight, View bias, View y3) {
        int n = x3.size(0);
        int s = x3.size(2);
        device.binary(BinaryOp.SUB, x3, Temp.perChannel(mean, n, s), y3);
        device.binary(BinaryOp.MUL, y3, Temp.perChannel(invstd, n, s), y3);
        if (weight != null) {
            device.binary(BinaryOp.MUL, y3, Temp.perChannel(weight, n, s), y3);
        }
        if (bias != null) {
            device.binary(BinaryOp.ADD, y3, Temp.perChannel(bias, n, s), y3);
        }
    }

    static void backwardReference(Backend device, View grad, View x, View weight, View mean, View invstd,
                                  View gradInput, View gradWeight, View gradBias) {
        View g3 = Temp.asNcs(grad);
        View x3 = Temp.asNcs(x);
        int n = x3.size(0);
        int c = x3.size(1);
        int s = x3.size(2);
        double m = (double) n * s;
        View xhat = Temp.zeros(device, x.dtype(), x, n, c, s);
        normalize(device, x3, mean, invstd, null, null, xhat);
        View sumG = Temp.zeros(device, x.dtype(), x, c);
        Temp.channelSums(device, g3, sumG);
        View gx = Temp.zeros(device, x.dtype(), x, n, c, s);
        device.binary(BinaryOp.MUL, g3, xhat, gx);
        View sumGx = Temp.zeros(device, x.dtype(), x, c);
        Temp.channelSums(device, gx, sumGx);
        if (gradBias != null) {
            device.copy(sumG, gradBias);
        }
        if (gradWeight != null) {
            device.copy(sumGx, gradWeight);
        }
        if (gradInput == null) {
            return;
        }
        // dx = (w·invstd/M)·(M·g − Σg − x̂·Σ(g·x̂))
        View dx = Temp.asNcs(gradInput);
        device.binary(BinaryOp.MUL, xhat, Temp.perChannel(sumGx, n, s), xhat);
        device.unary(UnaryOp.MUL_SCALAR, g3, m, 0, dx);
        device.binary(BinaryOp.SUB, dx, Temp.perChannel(sumG, n, s), dx);
        device.binary(BinaryOp.SUB, dx, xhat, dx);
        View scale = Temp.contiguousCopy(device, invstd);
        if (weight != null) {
            device.binary(BinaryOp.MUL, scale, weight, scale);
        }
        device.unary(UnaryOp.MUL_SCALAR, scale, 1.0 / m, 0, scale);
        device.binary(BinaryOp.MUL, dx, Temp.perChannel(scale, n, s), dx);
    }
}
