package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** 1/(1 + e^−x), elementwise (torch.nn.Sigmoid). */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
