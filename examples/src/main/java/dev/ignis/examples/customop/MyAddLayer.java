package dev.ignis.examples.customop;

import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.tensor.Tensor;

/** A small Module built on the custom op: out = myAdd(linear(x), x) = 2·linear(x) + x. */
// walkthrough:module
public final class MyAddLayer extends Module {
    private final Linear linear;

    public MyAddLayer(int features) {
        this.linear = registerModule("linear", new Linear(features, features));
    }

    @Override
    public Tensor forward(Tensor x) {
        return MyAddOp.myAdd(linear.call(x), x);
    }
}
// walkthrough:end
