package dev.ignis.spark;

import dev.ignis.tensor.Tensor;
import java.io.Serializable;

/** The training loss of a batch: (model output, targets) → scalar, e.g. {@code F::crossEntropy}. */
@FunctionalInterface
public interface LossFunction extends Serializable {
    Tensor apply(Tensor output, Tensor target);
}
