package dev.ignis.tensor;

import dev.ignis.backend.kernels.ClassNllKernels;

/**
 * nll_loss of log-probabilities at class indices without class weights, as one op (PyTorch's
 * {@code NllLossBackward0}): loss = −Σ_{i kept} logp[i, y_i], divided by the number of kept rows
 * for the mean (NaN when none is kept, as in PyTorch); row i is kept unless y_i = ignoreIndex.
 * Backward: d loss / d logp[i, y_i] = −g (÷ kept for the mean) on kept rows, 0 elsewhere. Both
 * run on the device of {@code logp} ({@link ClassNllKernels}): the loss stays a device scalar.
 */
public final class ClassNll {
    private ClassNll() {
    }

    /**
     * @param logp        [N, C] log-probabilities
     * @param target      [N] int64 class indices, each in [0, C) or {@code ignoreIndex}
     * @param ignoreIndex the label of rows left out
     * @param mean        the mean over kept rows, else the sum
     * @return a 0-d tensor of logp's dtype and device
     */
    public static Tensor loss(Tensor logp, Tensor target, int ignoreIndex, boolean mean) {
        if (logp.dim() != 2 || target.dim() != 1 || target.size(0) != logp.size(0)) {
            throw new IllegalArgumentException("nll_loss: expected input [N, C] and target [N], got input "
                    + Shape.format(logp.shape()) + " and target " + Shape.format(target.shape()));
        }
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException("nll_loss: expected target of dtype int64 (class indices), got "
                    + target.dtype());
        }
        Kernels.checkSameDevice("nll_loss", logp, target);
        Tensor lp = logp.contiguous().detach();
        Tensor y = target.detach();
        Tensor out = Tensor.zeros(logp.dtype(), logp.device());
        Kernels.of(ClassNllKernels.FORWARD, logp).run(logp.backend(), lp.asView(), y.asView(), ignoreIndex, mean,
                out.asView());
        int[] shape = logp.shape();
        return Autograd.record("NllLossBackward0", out, Autograd.of(logp), Autograd.of(y), (g, ctx) -> {
            Tensor gi = Tensor.zeros(g.dtype(), g.device(), shape);
            Kernels.of(ClassNllKernels.BACKWARD, g).run(g.backend(), g.asView(), ctx.saved(0).asView(), ignoreIndex,
                    mean, gi.asView());
            return new Tensor[] {gi};
        });
    }
}
