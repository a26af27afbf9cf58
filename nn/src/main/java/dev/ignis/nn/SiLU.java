package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** x·σ(x), elementwise (torch.nn.SiLU). */
public final class SiLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.silu();
    }
}
