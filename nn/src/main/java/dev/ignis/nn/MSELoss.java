package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** The mean squared error: (x − y)², reduced (torch.nn.MSELoss; reduction mean). */
public final class MSELoss extends Loss {
    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.mseLoss(input, target, reduction);
    }
}
