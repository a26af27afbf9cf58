package dev.ignis.autograd;

import dev.ignis.tensor.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;

/** Runs gradient hooks in registration order; a non-null result replaces the gradient for the next hook. */
public final class GradHooks {
    private GradHooks() {
    }

    public static Tensor apply(List<UnaryOperator<Tensor>> hooks, Tensor grad) {
        if (hooks == null) {
            return grad;
        }
        Tensor g = grad;
        for (UnaryOperator<Tensor> h : List.copyOf(hooks)) {
            Tensor replaced = h.apply(g);
            g = replaced == null ? g : replaced;
        }
        return g;
    }
}
