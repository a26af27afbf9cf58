package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** tanh x, elementwise (torch.nn.Tanh). */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
