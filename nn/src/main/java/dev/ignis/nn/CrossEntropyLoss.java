package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/**
 * log_softmax + NLL (torch.nn.CrossEntropyLoss): class-index targets (int64, with weight,
 * ignore_index and label smoothing) or class-probability targets (floating, input's shape).
 */
public final class CrossEntropyLoss extends Loss {
    private final Tensor weight;
    private final int ignoreIndex;
    private final double labelSmoothing;

    public CrossEntropyLoss() {
        this(null, -100, Reduction.MEAN, 0.0);
    }

    public CrossEntropyLoss(Tensor weight, int ignoreIndex, Reduction reduction, double labelSmoothing) {
        super(reduction);
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.crossEntropy(input, target, weight, ignoreIndex, reduction, labelSmoothing);
    }
}
