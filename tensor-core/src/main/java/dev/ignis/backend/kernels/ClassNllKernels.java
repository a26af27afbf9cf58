package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;
import dev.ignis.tensor.DType;

/**
 * The negative log-likelihood of class indices (nll_loss without class weights, mean or sum),
 * computed where the log-probabilities live: the loss stays a device scalar, so a training step
 * needs no copy to the host for it.
 */
public final class ClassNllKernels {
    private ClassNllKernels() {
    }

    /**
     * loss (0-d) = −Σ_{i kept} logp[i, y_i], divided by the number of kept rows when {@code mean}
     * (NaN when none is kept); row i is kept unless y_i = ignoreIndex. logp [N, C] contiguous,
     * target [N] int64 with every kept label in [0, C) (checked by the caller).
     */
    @FunctionalInterface
    public interface Forward {
        void run(Backend device, View logp, View target, int ignoreIndex, boolean mean, View loss);
    }

    /**
     * gradInput [N, C] (contiguous, overwritten) = −g (÷ kept rows when {@code mean}) at
     * [i, y_i] of each kept row, 0 elsewhere; g is the 0-d gradient of the loss.
     */
    @FunctionalInterface
    public interface Backward {
        void run(Backend device, View gradLoss, View target, int ignoreIndex, boolean mean, View gradInput);
    }

    public static final KernelFamily<Forward> FORWARD =
            KernelFamily.of("nll_loss_class_indices", Forward.class, ClassNllKernels::forwardReference);
    public static final KernelFamily<Backward> BACKWARD =
            KernelFamily.of("nll_loss_class_indices_backward", Backward.class, ClassNllKernels::backwardReference);

    static void forwardReference(Backend device, View logp, View target, int ignoreIndex, boolean mean, View loss) {
        int n = target.size(0);
        View[] kept = keptRows(device, target, ignoreIndex, logp.dtype());
        View picked = Temp.zeros(device, logp.dtype(), logp, n, 1);
        device.gather(logp, 1, kept[0].reshape(n, 1), picked);
        device.binary(BinaryOp.MUL, picked.reshape(n), kept[1], kept[1]);
        View total = loss.reshape(1);
        device.reduceRows(ReduceOp.SUM, kept[1].reshape(1, n), total, null);
        // 0 − sum, not −sum: no rows kept gives +0, as in PyTorch
        device.binary(BinaryOp.SUB, Temp.zeros(device, loss.dtype(), loss, 1), total, total);
        if (mean) {
            device.binary(BinaryOp.DIV, total, keptCount(device, target, ignoreIndex, logp.dtype()), total);
        }
    }

    static void backwardReference(Backend device, View gradLoss, View target, int ignoreIndex, boolean mean,
                                  View gradInput) {
        int n = target.size(0);
        View[] kept = keptRows(device, target, ignoreIndex, gradInput.dtype());
        View values = kept[1];
        device.binary(BinaryOp.MUL, values, gradLoss.expand(n), values);
        device.unary(UnaryOp.NEG, values, 0, 0, values);
        if (mean) {
            device.binary(BinaryOp.DIV, values, keptCount(device, target, ignoreIndex, gradInput.dtype()).expand(n),
                    values);
        }
        device.fill(gradInput, 0);
        device.scatterAdd(gradInput, 1, kept[0].reshape(n, 1), values.reshape(n, 1));
    }

    /** {safe labels (ignored rows pointing at class 0), kept as 1/0 in {@code dtype}}, both [N]. */
    private static View[] keptRows(Backend device, View target, int ignoreIndex, DType dtype) {
        int n = target.size(0);
        View keep = Temp.zeros(device, DType.BOOL, target, n);
        device.binary(BinaryOp.NE, target, Temp.scalar(device, DType.INT64, target, ignoreIndex).expand(n), keep);
        View safe = Temp.zeros(device, DType.INT64, target, n);
        device.where(keep, target, Temp.zeros(device, DType.INT64, target).expand(n), safe);
        View keptValues = Temp.zeros(device, dtype, target, n);
        device.copy(keep, keptValues);
        return new View[] {safe, keptValues};
    }

    /** The number of kept rows as a [1] vector of {@code dtype}. */
    private static View keptCount(Backend device, View target, int ignoreIndex, DType dtype) {
        View[] kept = keptRows(device, target, ignoreIndex, dtype);
        View count = Temp.zeros(device, dtype, target, 1);
        device.reduceRows(ReduceOp.SUM, kept[1].reshape(1, target.size(0)), count, null);
        return count;
    }
}
