package dev.ignis.spark.custom;

import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.tensor.Tensor;

/**
 * A user's own model for {@code TrainJob --model dev.ignis.spark.custom.TinyClassifier}: 4
 * features, 2 classes, built by its public no-arg constructor on every executor.
 */
public final class TinyClassifier extends Module {
    private final Linear hidden = registerModule("hidden", new Linear(4, 8));
    private final Linear out = registerModule("out", new Linear(8, 2));

    @Override
    public Tensor forward(Tensor x) {
        return out.call(hidden.call(x).relu());
    }
}
