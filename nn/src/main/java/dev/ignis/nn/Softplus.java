package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** log(1 + e^(β·x))/β, linear above the threshold (torch.nn.Softplus; β 1, threshold 20). */
public final class Softplus extends Module {
    private final double beta;
    private final double threshold;

    public Softplus() {
        this(1.0, 20.0);
    }

    public Softplus(double beta, double threshold) {
        this.beta = beta;
        this.threshold = threshold;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.softplus(beta, threshold);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + beta + ", threshold=" + threshold;
    }
}
