package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Collections;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/** One function per param group: the given list, or a single function repeated. */
final class Lambdas {
    private Lambdas() {
    }

    static List<IntToDoubleFunction> perGroup(Optimizer optimizer, List<IntToDoubleFunction> lambdas, String name) {
        int n = optimizer.paramGroups().size();
        if (lambdas.size() == 1) {
            return Collections.nCopies(n, lambdas.get(0));
        }
        if (lambdas.size() != n) {
            throw new IllegalArgumentException("Expected " + n + " " + name + ", but got " + lambdas.size());
        }
        return List.copyOf(lambdas);
    }
}
