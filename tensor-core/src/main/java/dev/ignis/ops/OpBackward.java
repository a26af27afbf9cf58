package dev.ignis.ops;

import dev.ignis.tensor.Tensor;

/**
 * An op's autograd formula: from the call (its inputs, attributes and which inputs need a
 * gradient) and dL/d(outputs), returns dL/d(inputs), one per input (null where none is needed).
 * It is device-independent: it is written with tensor ops or calls other registered ops (a
 * backward op with its own per-device kernels), so every device with kernels gets autograd.
 */
@FunctionalInterface
public interface OpBackward {
    Tensor[] backward(OpCall call, Tensor[] gradOutputs);

    /** The recorded call a backward formula reads. */
    record OpCall(Tensor[] inputs, OpAttributes attributes, boolean[] needsInputGrad) {
    }
}
