package dev.ignis.tensor;

import dev.ignis.autograd.GradMode;
import dev.ignis.backend.kernels.BatchNormKernels;

/**
 * Training-mode batch normalisation over every dim but 1 (Ioffe and Szegedy, 2015):
 * y = (x − μ)/√(σ² + eps)·w + b with the batch mean μ and biased variance σ² per channel, and
 * its closed-form backward, by the device's {@link BatchNormKernels}.
 */
public final class BatchNormalization {
    /** The output and the batch statistics ([C] each; var is biased), which running statistics are updated from. */
    public record Result(Tensor output, Tensor mean, Tensor var) {
    }

    private BatchNormalization() {
    }

    public static Result train(Tensor x, Tensor weight, Tensor bias, double eps) {
        Kernels.checkSameDevice("batch_norm", x, weight, bias);
        int channels = x.size(1);
        Tensor xc = x.contiguous().detach();
        Tensor w = weight == null ? null : weight.detach().contiguous();
        Tensor b = bias == null ? null : bias.detach().contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Tensor mean = Tensor.zeros(x.dtype(), x.device(), channels);
        Tensor invstd = Tensor.zeros(x.dtype(), x.device(), channels);
        Kernels.of(BatchNormKernels.FORWARD, x).run(x.backend(), xc.asView(), Tensor.operand(w), Tensor.operand(b),
                eps, out.asView(), mean.asView(), invstd.asView());
        Tensor var = variance(invstd, eps);
        Tensor recorded = Autograd.record("NativeBatchNormBackward0", out, Autograd.of(x, weight, bias),
                Autograd.of(xc, mean, invstd), (g, ctx) -> {
                    Tensor gc = g.contiguous();
                    Tensor gx = ctx.needsGrad(0) ? Tensor.zerosLike(gc) : null;
                    Tensor gw = ctx.needsGrad(1) ? Tensor.zeros(g.dtype(), g.device(), channels) : null;
                    Tensor gb = ctx.needsGrad(2) ? Tensor.zeros(g.dtype(), g.device(), channels) : null;
                    Kernels.of(BatchNormKernels.BACKWARD, gc).run(gc.backend(), gc.asView(), ctx.saved(0).asView(),
                            Tensor.operand(w), ctx.saved(1).asView(), ctx.saved(2).asView(), Tensor.operand(gx),
                            Tensor.operand(gw), Tensor.operand(gb));
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
}
