package dev.ignis.spark;

import dev.ignis.optim.Optimizer;
import dev.ignis.tensor.Tensor;
import java.io.Serializable;
import java.util.List;

/** Builds the optimizer of a replica over its parameters, e.g. {@code p -> new SGD(p, new SGD.Options().lr(0.05))}. */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
    Optimizer create(List<Tensor> parameters);
}
