package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** e^x / Σ e^x along dim, elementwise (torch.nn.Softmax). */
public final class Softmax extends Module {
    private final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("dim", dim);
    }
}
