package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** −w[y]·x[y] on log-probabilities, mean weighted by Σ w[y] (torch.nn.NLLLoss; ignore_index −100). */
public final class NLLLoss extends Loss {
    private final Tensor weight;
    private final int ignoreIndex;

    public NLLLoss() {
        this(null, -100, Reduction.MEAN);
    }

    public NLLLoss(Tensor weight, int ignoreIndex, Reduction reduction) {
        super(reduction);
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.nllLoss(input, target, weight, ignoreIndex, reduction);
    }
}
