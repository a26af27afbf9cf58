package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** max(x, 0), elementwise (torch.nn.ReLU). */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
