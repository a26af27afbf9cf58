package dev.ignis.nn.custom;

import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.tensor.Tensor;

/** A user's own module (outside dev.ignis.nn), rebuilt by ModuleTree through its no-arg constructor. */
public final class TwoLayerNet extends Module {
    private final Linear first = registerModule("first", new Linear(4, 3));
    private final Linear second = registerModule("second", new Linear(3, 2));

    @Override
    public Tensor forward(Tensor x) {
        return second.call(first.call(x).tanh());
    }
}
