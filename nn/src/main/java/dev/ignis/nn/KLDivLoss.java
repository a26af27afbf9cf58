package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** KL(target ‖ input) with input as log-probabilities (torch.nn.KLDivLoss; mean, log_target false). */
public final class KLDivLoss extends Loss {
    private final boolean logTarget;

    public KLDivLoss() {
        this(Reduction.MEAN, false);
    }

    public KLDivLoss(Reduction reduction, boolean logTarget) {
        super(reduction);
        this.logTarget = logTarget;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.klDiv(input, target, reduction, logTarget);
    }
}
