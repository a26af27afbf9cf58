package dev.ignis.backend.cpu.softmax;

import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuStorage;
import java.util.Arrays;

/**
 * The CPU's class-index NLL (see {@code ClassNllKernels}): one pass over the labels, the sum in
 * double and rounded once, as PyTorch's CPU kernel accumulates. The composed reference takes
 * about ten primitive calls, whose bookkeeping costs more than the arithmetic on a classifier's
 * [64, 10] log-probabilities.
 */
public final class ClassNllLoops {
    private ClassNllLoops() {
    }

    /** loss = −Σ_{kept i} logp[i, y_i] (÷ kept rows when {@code mean}); logp contiguous [N, C]. */
    public static void forward(View logp, View target, int ignoreIndex, boolean mean, View loss) {
        CpuStorage p = (CpuStorage) logp.storage();
        CpuStorage y = (CpuStorage) target.storage();
        int classes = logp.size(1);
        double sum = 0;
        int kept = 0;
        for (int i = 0; i < target.size(0); i++) {
            long label = y.getLong(target.offset() + i * target.stride(0));
            if (label != ignoreIndex) {
                sum += p.get(logp.offset() + i * classes + (int) label);
                kept++;
            }
        }
        // 0 − sum, as PyTorch accumulates the loss: no rows kept gives +0, not −0
        double total = 0.0 - sum;
        ((CpuStorage) loss.storage()).set(loss.offset(), mean ? total / kept : total);
    }

    /** gradInput (contiguous [N, C], overwritten) = −g (÷ kept rows) at each kept row's label, 0 elsewhere. */
    public static void backward(View gradLoss, View target, int ignoreIndex, boolean mean, View gradInput) {
        CpuStorage y = (CpuStorage) target.storage();
        CpuStorage gi = (CpuStorage) gradInput.storage();
        int rows = target.size(0);
        int classes = gradInput.size(1);
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            kept += y.getLong(target.offset() + i * target.stride(0)) == ignoreIndex ? 0 : 1;
        }
        double g = -((CpuStorage) gradLoss.storage()).get(gradLoss.offset()) / (mean ? kept : 1);
        Object array = gi.array();
        int from = gradInput.offset();
        int to = from + rows * classes;
        if (array instanceof float[] f) {
            Arrays.fill(f, from, to, 0f);
        } else {
            for (int j = from; j < to; j++) {
                gi.set(j, 0);
            }
        }
        for (int i = 0; i < rows; i++) {
            long label = y.getLong(target.offset() + i * target.stride(0));
            if (label != ignoreIndex) {
                gi.set(from + i * classes + (int) label, g);
            }
        }
    }
}
