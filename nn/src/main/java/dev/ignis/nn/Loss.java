package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** A loss criterion (torch.nn's *Loss classes): a function of (input, target) with its reduction. */
public abstract class Loss {
    protected final Reduction reduction;

    protected Loss(Reduction reduction) {
        this.reduction = reduction;
    }

    public abstract Tensor forward(Tensor input, Tensor target);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "()";
    }
}
