package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** −w·(y·log x + (1−y)·log(1−x)) on probabilities (torch.nn.BCELoss; logs clamped at −100). */
public final class BCELoss extends Loss {
    private final Tensor weight;

    public BCELoss() {
        this(null, Reduction.MEAN);
    }

    public BCELoss(Tensor weight, Reduction reduction) {
        super(reduction);
        this.weight = weight;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropy(input, target, weight, reduction);
    }
}
