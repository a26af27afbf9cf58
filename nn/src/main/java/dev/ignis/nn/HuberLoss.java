package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** 0.5·d² where |d| ≤ δ, else δ(|d| − 0.5·δ) (torch.nn.HuberLoss; mean, δ 1). */
public final class HuberLoss extends Loss {
    private final double delta;

    public HuberLoss() {
        this(Reduction.MEAN, 1.0);
    }

    public HuberLoss(Reduction reduction, double delta) {
        super(reduction);
        this.delta = delta;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.huberLoss(input, target, reduction, delta);
    }
}
