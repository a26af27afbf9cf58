package dev.ignis.tensor;

import dev.ignis.backend.kernels.BatchNormReluMaxPoolKernels;
import dev.ignis.backend.kernels.Window2d;

/**
 * Training-mode batch norm, ReLU and max pooling as one op:
 * maxPool2d(relu((x − μ)/√(σ² + eps)·w + b)) with the batch statistics, the output and gradients
 * of {@link BatchNormalization#train}, {@link Tensor#relu} and {@link Convolution#maxPool2d}
 * applied one after another, by the device's {@link BatchNormReluMaxPoolKernels} (the CPU's, for
 * float32 and pooling windows that tile the input, never stores the normalised activations).
 */
public final class BatchNormReluMaxPool {
    private BatchNormReluMaxPool() {
    }

    /**
     * x [N, C, H, W]; weight and bias [C] or null; pooling as {@link Convolution#maxPool2d}
     * ({@code stride} null: the kernel size). Returns the pooled output [N, C, OH, OW] and the
     * batch mean and biased variance [C], which running statistics are updated from.
     */
    public static BatchNormalization.Result train(Tensor x, Tensor weight, Tensor bias, double eps, int[] kernel,
                                                  int[] stride, int[] padding, int[] dilation) {
        if (x.dim() != 4) {
            BatchNormalization.Result normalized = BatchNormalization.train(x, weight, bias, eps);
            Tensor pooled = Convolution.maxPool2d(normalized.output().relu(), kernel, stride, padding, dilation);
            return new BatchNormalization.Result(pooled, normalized.mean(), normalized.var());
        }
        Windows win = Convolution.poolWindows("max_pool2d", x, kernel, stride, padding, dilation);
        Kernels.checkSameDevice("batch_norm_relu_max_pool2d", x, weight, bias);
        int channels = x.size(1);
        Tensor xc = x.contiguous().detach();
        Tensor w = weight == null ? null : weight.detach().contiguous();
        Tensor b = bias == null ? null : bias.detach().contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), win.n(), win.c(), win.outH(), win.outW());
        Tensor mean = Tensor.zeros(x.dtype(), x.device(), channels);
        Tensor invstd = Tensor.zeros(x.dtype(), x.device(), channels);
        Window2d g = win.window2d();
        Kernels.of(BatchNormReluMaxPoolKernels.FORWARD, x).run(x.backend(), xc.asView(), Tensor.operand(w),
                Tensor.operand(b), eps, g, out.asView(), mean.asView(), invstd.asView());
        Tensor var = BatchNormalization.variance(invstd, eps);
        int[] in = x.shape();
        Tensor recorded = Autograd.record("BatchNormReluMaxPool2dBackward0", out, Autograd.of(x, weight, bias),
                Autograd.of(xc, mean, invstd), (grad, ctx) -> {
                    Tensor gc = grad.contiguous();
                    Tensor gx = ctx.needsGrad(0) ? Tensor.zeros(grad.dtype(), grad.device(), in) : null;
                    Tensor gw = ctx.needsGrad(1) ? Tensor.zeros(grad.dtype(), grad.device(), channels) : null;
                    Tensor gb = ctx.needsGrad(2) ? Tensor.zeros(grad.dtype(), grad.device(), channels) : null;
                    Kernels.of(BatchNormReluMaxPoolKernels.BACKWARD, gc).run(gc.backend(), gc.asView(),
                            ctx.saved(0).asView(), Tensor.operand(w), Tensor.operand(b), ctx.saved(1).asView(),
                            ctx.saved(2).asView(), g, Tensor.operand(gx), Tensor.operand(gw), Tensor.operand(gb));
                    return new Tensor[] {gx, gw, gb};
                });
        return new BatchNormalization.Result(recorded, mean, var);
    }
}
