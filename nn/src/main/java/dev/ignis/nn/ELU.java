package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** x if x > 0 else α(e^x − 1), elementwise (torch.nn.ELU). */
public final class ELU extends Module {
    private final double alpha;

    public ELU() {
        this(1.0);
    }

    public ELU(double alpha) {
        this.alpha = alpha;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.elu(alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + alpha;
    }
}
