package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** The mean absolute error: |x − y|, reduced (torch.nn.L1Loss; reduction mean). */
public final class L1Loss extends Loss {
    public L1Loss() {
        this(Reduction.MEAN);
    }

    public L1Loss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.l1Loss(input, target, reduction);
    }
}
