package dev.ignis.spark;

import dev.ignis.optim.Adam;
import dev.ignis.optim.AdamW;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.SGD;
import dev.ignis.optim.lr.CosineAnnealingLR;
import dev.ignis.optim.lr.ExponentialLR;
import dev.ignis.optim.lr.LRScheduler;
import dev.ignis.optim.lr.OneCycleLR;
import dev.ignis.optim.lr.StepLR;
import java.util.List;
import java.util.function.Function;

/**
 * The optimizers and LR schedulers chosen by name, as {@link IgnisEstimator}'s params and
 * {@link TrainJob}'s options name them, with PyTorch's defaults for what is left unset.
 */
final class TrainingChoices {
    /** The optimizer names: SGD, Adam, AdamW. */
    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw");
    /** The scheduler names, each stepped once per epoch. */
    static final List<String> SCHEDULERS = List.of("none", "step", "exponential", "cosine", "onecycle");

    private TrainingChoices() {
    }

    /**
     * The optimizer {@code name} with learning rate {@code lr}, SGD's {@code momentum}, and
     * {@code weightDecay} where given (null: the optimizer's default, 0, or 0.01 for AdamW).
     */
    static OptimizerFactory optimizer(String name, double lr, double momentum, Double weightDecay) {
        double wd = weightDecay == null ? 0 : weightDecay;
        return switch (name) {
            case "sgd" -> p -> new SGD(p, new SGD.Options().lr(lr).momentum(momentum).weightDecay(wd));
            case "adam" -> p -> new Adam(p, new Adam.Options().lr(lr).weightDecay(wd));
            case "adamw" -> weightDecay != null ? p -> new AdamW(p, new AdamW.Options().lr(lr).weightDecay(wd))
                    : p -> new AdamW(p, new AdamW.Options().lr(lr));
            default -> throw new IllegalArgumentException("optimizer must be one of " + String.join(", ", OPTIMIZERS)
                    + ", got " + name);
        };
    }

    /**
     * The scheduler {@code name}, stepped after every epoch, or null for "none": step (StepLR,
     * {@code gamma} every {@code stepSize} epochs), exponential (ExponentialLR, {@code gamma}),
     * cosine (CosineAnnealingLR over {@code epochs}), onecycle (OneCycleLR over {@code epochs},
     * max_lr {@code lr}).
     */
    static Function<Optimizer, LRScheduler> scheduler(String name, int epochs, int stepSize, double gamma, double lr) {
        return switch (name) {
            case "none" -> null;
            case "step" -> o -> new StepLR(o, stepSize, new StepLR.Options().gamma(gamma));
            case "exponential" -> o -> new ExponentialLR(o, gamma);
            case "cosine" -> o -> new CosineAnnealingLR(o, epochs);
            case "onecycle" -> o -> new OneCycleLR(o, lr, new OneCycleLR.Options().totalSteps(epochs));
            default -> throw new IllegalArgumentException("scheduler must be one of " + String.join(", ", SCHEDULERS)
                    + ", got " + name);
        };
    }
}
