package dev.ignis.ops;

import dev.ignis.tensor.Tensor;

/**
 * An op's shape and dtype rule, run before any kernel: throws {@link IllegalArgumentException}
 * naming the op, the offending input and the expected shape when the inputs do not fit together.
 */
@FunctionalInterface
public interface OpCheck {
    void check(Tensor[] inputs, OpAttributes attributes);
}
