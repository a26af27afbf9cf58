package dev.ignis.tensor;

import dev.ignis.autograd.GradMode;

/**
 * Training-mode batch normalisation over every dim but 1 (Ioffe and Szegedy, 2015):
 * y = (x − μ)/√(σ² + eps)·w + b with the batch mean μ and biased variance σ² per channel. Runs
 * the backend's fused kernel where it has one (float32 on the CPU), else the same math composed
 * from recorded ops; both have the closed-form backward.
 */
public final class BatchNormalization {
    /** The output and the batch statistics ([C] each; var is biased), which running statistics are updated from. */
    public record Result(Tensor output, Tensor mean, Tensor var) {
    }

    private BatchNormalization() {
    }

    public static Result train(Tensor x, Tensor weight, Tensor bias, double eps) {
        int channels = x.size(1);
        Tensor xc = x.contiguous().detach();
        Tensor w = weight == null ? null : weight.detach().contiguous();
        Tensor b = bias == null ? null : bias.detach().contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Tensor mean = Tensor.zeros(x.dtype(), x.device(), channels);
        Tensor invstd = Tensor.zeros(x.dtype(), x.device(), channels);
        if (!x.backend().batchNormForward(xc.asView(), Tensor.operand(w), Tensor.operand(b), eps, out.asView(), Tensor.operand(mean), Tensor.operand(invstd))) {
            return composed(x, weight, bias, eps);
        }
        Tensor var = variance(invstd, eps);
        Tensor recorded = Autograd.record("NativeBatchNormBackward0", out, Autograd.of(x, weight, bias),
                Autograd.of(xc, mean, invstd), (g, ctx) -> {
                    Tensor gc = g.contiguous();
                    Tensor gx = ctx.needsGrad(0) ? Tensor.zerosLike(gc) : null;
                    Tensor gw = ctx.needsGrad(1) ? Tensor.zeros(g.dtype(), g.device(), channels) : null;
                    Tensor gb = ctx.needsGrad(2) ? Tensor.zeros(g.dtype(), g.device(), channels) : null;
                    Tensor savedX = ctx.saved(0);
                    if (!gc.backend().batchNormBackward(gc.asView(), savedX.asView(), Tensor.operand(w), ctx.saved(1).asView(), ctx.saved(2).asView(), Tensor.operand(gx), Tensor.operand(gw), Tensor.operand(gb))) {
                        throw new IllegalStateException("batch norm: the backend ran the forward kernel but not the"
                                + " backward one");
                    }
                    return new Tensor[] {gx, gw, gb};
                });
        return new Result(recorded, mean, var);
    }

    /** The biased variance σ² = invstd⁻² − eps back from the kernels' invstd = 1/√(σ² + eps). */
    static Tensor variance(Tensor invstd, double eps) {
        try (var ignored = GradMode.noGrad()) {
            return invstd.pow(-2.0).sub(eps);
        }
    }

    /** The reference: the same normalisation written with recorded ops. */
    private static Result composed(Tensor x, Tensor weight, Tensor bias, double eps) {
        int[] dims = new int[x.dim() - 1];
        for (int d = 0, k = 0; d < x.dim(); d++) {
            if (d != 1) {
                dims[k++] = d;
            }
        }
        int[] shape = new int[x.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = x.size(1);
        Tensor mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        Tensor var = centered.mul(centered).mean(dims, true);
        Tensor y = centered.div(var.add(eps).sqrt());
        if (weight != null) {
            y = y.mul(weight.reshape(shape));
        }
        if (bias != null) {
            y = y.add(bias.reshape(shape));
        }
        return new Result(y, mean.detach().reshape(-1), var.detach().reshape(-1));
    }
}
