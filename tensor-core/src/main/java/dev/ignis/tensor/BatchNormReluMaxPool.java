package dev.ignis.tensor;

/**
 * Training-mode batch norm, ReLU and max pooling as one op:
 * maxPool2d(relu((x − μ)/√(σ² + eps)·w + b)) with the batch statistics, the output and gradients
 * of {@link BatchNormalization#train}, {@link Tensor#relu} and {@link Convolution#maxPool2d}
 * applied one after another. Runs the backend's fused kernel where it has one (float32 on the CPU,
 * pooling windows that tile the input), which never stores the normalised activations; otherwise
 * runs the three ops.
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
        if (x.dim() == 4) {
            BatchNormalization.Result fused = fused(x, weight, bias, eps,
                    Convolution.poolWindows("max_pool2d", x, kernel, stride, padding, dilation));
            if (fused != null) {
                return fused;
            }
        }
        BatchNormalization.Result normalized = BatchNormalization.train(x, weight, bias, eps);
        Tensor pooled = Convolution.maxPool2d(normalized.output().relu(), kernel, stride, padding, dilation);
        return new BatchNormalization.Result(pooled, normalized.mean(), normalized.var());
    }

    /** The backend's kernel pair, or null where it has none for these operands. */
    private static BatchNormalization.Result fused(Tensor x, Tensor weight, Tensor bias, double eps, Windows win) {
        int channels = x.size(1);
        Tensor xc = x.contiguous().detach();
        Tensor w = weight == null ? null : weight.detach().contiguous();
        Tensor b = bias == null ? null : bias.detach().contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), win.n(), win.c(), win.outH(), win.outW());
        Tensor mean = Tensor.zeros(x.dtype(), x.device(), channels);
        Tensor invstd = Tensor.zeros(x.dtype(), x.device(), channels);
        int[] geometry = win.geometry();
        if (!x.backend().batchNormReluMaxPool2d(xc.asView(), Tensor.operand(w), Tensor.operand(b), eps, geometry, out.asView(), Tensor.operand(mean), Tensor.operand(invstd))) {
            return null;
        }
        Tensor var = BatchNormalization.variance(invstd, eps);
        int[] in = x.shape();
        Tensor recorded = Autograd.record("BatchNormReluMaxPool2dBackward0", out, Autograd.of(x, weight, bias),
                Autograd.of(xc, mean, invstd), (g, ctx) -> {
                    Tensor gc = g.contiguous();
                    Tensor gx = ctx.needsGrad(0) ? Tensor.zeros(g.dtype(), g.device(), in) : null;
                    Tensor gw = ctx.needsGrad(1) ? Tensor.zeros(g.dtype(), g.device(), channels) : null;
                    Tensor gb = ctx.needsGrad(2) ? Tensor.zeros(g.dtype(), g.device(), channels) : null;
                    if (!gc.backend().batchNormReluMaxPool2dBackward(gc.asView(), ctx.saved(0).asView(), Tensor.operand(w), Tensor.operand(b), ctx.saved(1).asView(),
                            ctx.saved(2).asView(), geometry, Tensor.operand(gx), Tensor.operand(gw), Tensor.operand(gb))) {
                        throw new IllegalStateException("batch norm + relu + max pool: the backend ran the forward"
                                + " kernel but not the backward one");
                    }
                    return new Tensor[] {gx, gw, gb};
                });
        return new BatchNormalization.Result(recorded, mean, var);
    }
}
