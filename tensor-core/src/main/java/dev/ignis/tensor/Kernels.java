package dev.ignis.tensor;

import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.KernelTable;

/** Dispatch of kernel families for the tensor layer: the kernel registered for a tensor's device type. */
final class Kernels {
    private Kernels() {
    }

    /** {@code family}'s kernel for the device {@code on} lives on (its own, else the reference). */
    static <K> K of(KernelFamily<K> family, Tensor on) {
        return KernelTable.global().kernel(family, on.device().type());
    }

    /**
     * Fails with PyTorch's message when the given tensors (nulls skipped) are not all on one
     * device, naming the op and the first two devices found.
     */
    static void checkSameDevice(String op, Tensor... tensors) {
        Device first = null;
        for (Tensor t : tensors) {
            if (t == null) {
                continue;
            }
            if (first == null) {
                first = t.device();
            } else if (!first.equals(t.device())) {
                throw new IllegalArgumentException(op + ": expected all tensors to be on the same device, but found at"
                        + " least two devices, " + first + " and " + t.device() + "!");
            }
        }
    }
}
