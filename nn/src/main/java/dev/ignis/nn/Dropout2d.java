package dev.ignis.nn;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;

/** Zeroes whole channels with probability p in training (torch.nn.Dropout2d; p 0.5). */
public final class Dropout2d extends Module {
    private final double p;
    private final Generator gen;

    public Dropout2d() {
        this(0.5, Generator.getDefault());
    }

    public Dropout2d(double p, Generator gen) {
        this.p = F.checkDropoutProbability(p);
        this.gen = gen;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.dropout2d(x, p, isTraining(), gen);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }
}
