package dev.ignis.autograd;

import dev.ignis.tensor.Tensor;

/** What a node's backward function may read: its saved tensors and which inputs need a grad. */
public interface BackwardContext {
    /**
     * Saved tensor {@code i}, checked against in-place modification since it was saved.
     *
     * @throws IllegalStateException when it was modified in place, or freed by an earlier backward
     */
    Tensor saved(int i);

    /** Whether input {@code i} of the op needs a gradient (others may be returned as null). */
    boolean needsGrad(int i);
}
