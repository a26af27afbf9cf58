package dev.ignis.autograd;

import dev.ignis.tensor.Tensor;

/**
 * The backward of one op: given dL/d(output), returns dL/d(input i) for each input, each with that
 * input's shape, or null for inputs that need no gradient. Runs with recording disabled.
 */
@FunctionalInterface
public interface BackwardFunction {
    Tensor[] apply(Tensor gradOutput, BackwardContext ctx);
}
