package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** 0.5·d²/β where |d| < β, else |d| − 0.5·β (torch.nn.SmoothL1Loss; mean, β 1). */
public final class SmoothL1Loss extends Loss {
    private final double beta;

    public SmoothL1Loss() {
        this(Reduction.MEAN, 1.0);
    }

    public SmoothL1Loss(Reduction reduction, double beta) {
        super(reduction);
        this.beta = beta;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.smoothL1Loss(input, target, reduction, beta);
    }
}
