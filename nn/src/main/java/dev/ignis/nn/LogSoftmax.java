package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** log softmax along dim, elementwise (torch.nn.LogSoftmax). */
public final class LogSoftmax extends Module {
    private final int dim;

    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.logSoftmax(dim);
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
