package dev.ignis.nn;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.Map;

/** Zeroes elements with probability p in training, scaling the rest by 1/(1−p) (torch.nn.Dropout; p 0.5). */
public final class Dropout extends Module {
    private final double p;
    private final Generator gen;

    public Dropout() {
        this(0.5);
    }

    public Dropout(double p) {
        this(p, Generator.getDefault());
    }

    public Dropout(double p, Generator gen) {
        this.p = F.checkDropoutProbability(p);
        this.gen = gen;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining(), gen);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("p", p);
    }
}
