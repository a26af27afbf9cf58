package dev.ignis.ops;

import dev.ignis.tensor.Tensor;

/**
 * One device's implementation of an op: computes the outputs from the inputs (all on that device;
 * optional inputs may be null) and the attributes. Runs with autograd recording disabled and must
 * return new tensors.
 */
@FunctionalInterface
public interface OpKernel {
    Tensor[] run(Tensor[] inputs, OpAttributes attributes);
}
