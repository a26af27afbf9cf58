package dev.ignis.nn;

import dev.ignis.autograd.Function;
import dev.ignis.autograd.FunctionContext;
import dev.ignis.tensor.Tensor;

/**
 * nll_loss of log-probabilities {@code logp} [N, C] at class indices, without class weights, as
 * one op (PyTorch's {@code NllLossBackward0}): loss = −Σ_{i kept} logp[i, y_i], divided by the
 * number of kept rows for the mean (NaN when none is kept, as in PyTorch), where a row is kept
 * unless y_i is {@code ignoreIndex}. Backward: d loss / d logp[i, y_i] = −g (÷ kept for the mean)
 * on kept rows, 0 elsewhere.
 *
 * <p>The composed form (gather, where, mask, sum, divide) is about ten small ops, each with its
 * own node; on a classifier's [64, 10] logits their bookkeeping cost more than the arithmetic.
 * Labels are validated by the caller.
 */
final class ClassIndexNll extends Function {
    private final long[] labels;
    private final int ignoreIndex;
    private final boolean mean;
    /** Rows whose label is not {@code ignoreIndex}. */
    private final int kept;

    ClassIndexNll(long[] labels, int ignoreIndex, boolean mean) {
        this.labels = labels;
        this.ignoreIndex = ignoreIndex;
        this.mean = mean;
        int k = 0;
        for (long y : labels) {
            k += y == ignoreIndex ? 0 : 1;
        }
        this.kept = k;
    }

    @Override
    protected String name() {
        return "NllLossBackward0";
    }

    @Override
    protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
        Tensor logp = in[0];
        int classes = logp.size(1);
        ctx.put("classes", classes);
        double[] values = logp.toDoubleArray();
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != ignoreIndex) {
                sum += values[i * classes + (int) labels[i]];
            }
        }
        double loss = mean ? -sum / kept : -sum;
        return new Tensor[] {Tensor.scalar(loss, logp.dtype()).to(logp.device())};
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor... gradOut) {
        int rows = labels.length;
        int classes = ctx.<Integer>get("classes");
        double g = -gradOut[0].item() / (mean ? kept : 1);
        double[] d = new double[rows * classes];
        for (int i = 0; i < rows; i++) {
            if (labels[i] != ignoreIndex) {
                d[i * classes + (int) labels[i]] = g;
            }
        }
        Tensor grad = Tensor.fromArray(d, rows, classes).to(gradOut[0].dtype());
        return new Tensor[] {grad.to(gradOut[0].device())};
    }
}
