package dev.ignis.examples;

import dev.ignis.nn.Module;
import dev.ignis.spark.job.BuiltInModels;

/** The two models of shared/bench/torch_fashion.py, layer for layer: the built-in ones on Fashion-MNIST's shape. */
final class FashionModels {
    private FashionModels() {
    }

    /** The models {@link #create} builds, as {@code --model} takes them. */
    static final java.util.List<String> KINDS = BuiltInModels.NAMES;

    static Module create(String kind) {
        return BuiltInModels.create(kind, new int[] {1, 28, 28}, 10);
    }
}
