package dev.ignis.examples;

import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Linear;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;

/** The two models of shared/bench/torch_fashion.py, layer for layer. */
final class FashionModels {
    private FashionModels() {
    }

    /** The models {@link #create} builds, as {@code --model} takes them. */
    static final java.util.List<String> KINDS = java.util.List.of("mlp", "cnn");

    static Module create(String kind) {
        return switch (kind) {
            case "mlp" -> new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
                    new Linear(128, 10));
            case "cnn" -> new Sequential(new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                    new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                    new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(), new Linear(128, 10));
            default -> throw new IllegalArgumentException("--model must be mlp or cnn, got '" + kind + "'");
        };
    }
}
