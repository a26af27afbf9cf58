package dev.ignis.tensor;

import dev.ignis.autograd.BackwardFunction;
import dev.ignis.autograd.GradMode;
import dev.ignis.autograd.Node;

/** Records ops in the autograd graph: the one place where an op's output gets its grad_fn. */
final class Autograd {
    private static final Tensor[] NONE = new Tensor[0];

    private Autograd() {
    }

    /** Whether an op on these inputs must be recorded. */
    static boolean needed(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Attaches a node to {@code out} when any input requires grad and recording is on; returns
     * {@code out}.
     */
    static Tensor record(String name, Tensor out, Tensor[] inputs, Tensor[] saved, BackwardFunction fn) {
        if (needed(inputs)) {
            out.setGradFn(new Node(name, inputs, saved == null ? NONE : saved, fn));
        }
        return out;
    }

    static Tensor record(String name, Tensor out, Tensor input, BackwardFunction fn) {
        return record(name, out, new Tensor[] {input}, NONE, fn);
    }

    static Tensor[] of(Tensor... ts) {
        return ts;
    }
}
