package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** x if x > 0 else negative_slope·x, elementwise (torch.nn.LeakyReLU). */
public final class LeakyReLU extends Module {
    private final double negativeSlope;

    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("negative_slope", negativeSlope);
    }
}
