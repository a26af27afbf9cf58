package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** Flattens dims startDim..endDim into one (torch.nn.Flatten; 1, −1). */
public final class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("start_dim", startDim, "end_dim", endDim);
    }
}
