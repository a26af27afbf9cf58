package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** x·Φ(x), or its tanh approximation, elementwise (torch.nn.GELU). */
public final class GELU extends Module {
    private final String approximate;

    public GELU() {
        this("none");
    }

    public GELU(String approximate) {
        this.approximate = approximate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.gelu(approximate);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("approximate", approximate);
    }
}
