package dev.ignis.spark.job;

import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Linear;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;
import java.util.Arrays;
import java.util.List;

/**
 * The models {@code TrainJob --model} and {@code bin/ignis} know by name, sized for the data: the
 * MLP and CNN of shared/bench/torch_fashion.py, which they are layer for layer on 1×28×28 images
 * and 10 classes.
 */
public final class BuiltInModels {
    /** The names {@link #create} takes. */
    public static final List<String> NAMES = List.of("mlp", "cnn");

    private BuiltInModels() {
    }

    /**
     * A freshly initialised model for samples of {@code sampleShape} and {@code classes} classes:
     * <ul>
     *   <li>mlp: Flatten, Linear(F, 256), ReLU, Linear(256, 128), ReLU, Linear(128, classes), F the
     *       features per sample;</li>
     *   <li>cnn, for [C, H, W] samples: two blocks of 3×3 convolution (padding 1; C→32, 32→64),
     *       BatchNorm2d, ReLU and 2×2 max pooling, then Flatten, Linear(64·⌊H/4⌋·⌊W/4⌋, 128), ReLU,
     *       Linear(128, classes).</li>
     * </ul>
     *
     * @throws IllegalArgumentException for another name, or a shape the model cannot take
     */
    public static Module create(String name, int[] sampleShape, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("model " + name + " needs at least 1 class, got " + classes);
        }
        return switch (name) {
            case "mlp" -> new Sequential(new Flatten(), new Linear(features(sampleShape), 256), new ReLU(),
                    new Linear(256, 128), new ReLU(), new Linear(128, classes));
            case "cnn" -> {
                if (sampleShape.length != 3 || sampleShape[1] < 4 || sampleShape[2] < 4) {
                    throw new IllegalArgumentException("model cnn takes [C, H, W] samples with H and W at least 4, got "
                            + Arrays.toString(sampleShape));
                }
                int flat = 64 * (sampleShape[1] / 4) * (sampleShape[2] / 4);
                yield new Sequential(new Conv2d(sampleShape[0], 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(),
                        new MaxPool2d(2), new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                        new Flatten(), new Linear(flat, 128), new ReLU(), new Linear(128, classes));
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "': the built-in ones are "
                    + String.join(", ", NAMES));
        };
    }

    private static int features(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
