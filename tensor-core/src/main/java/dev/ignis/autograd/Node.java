package dev.ignis.autograd;

import dev.ignis.tensor.Tensor;

/**
 * One recorded op in the autograd graph (PyTorch's {@code grad_fn}). It knows where the gradient
 * of each input goes: to that input's own node, or, for a leaf that requires grad, into the
 * leaf's {@code grad}. It holds the tensors its backward needs until a backward pass without
 * {@code retainGraph} frees them.
 */
public final class Node {
    private final String name;
    private final Node[] next;
    private final Tensor[] leaves;
    private final boolean[] needsGrad;
    private SavedTensor[] saved;
    private BackwardFunction function;
    private Tensor retainedOutput;
    private java.util.List<java.util.function.UnaryOperator<Tensor>> gradHooks;

    /**
     * @param name   PyTorch-style name, e.g. {@code MulBackward0}
     * @param inputs the op's inputs (null entries allowed for non-tensor arguments)
     * @param toSave tensors the backward reads through {@link BackwardContext#saved(int)}
     */
    public Node(String name, Tensor[] inputs, Tensor[] toSave, BackwardFunction function) {
        this.name = name;
        this.next = new Node[inputs.length];
        this.leaves = new Tensor[inputs.length];
        this.needsGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (in != null && in.requiresGrad()) {
                needsGrad[i] = true;
                if (in.gradFn() != null) {
                    next[i] = in.gradFn();
                } else {
                    leaves[i] = in;
                }
            }
        }
        this.saved = new SavedTensor[toSave.length];
        for (int i = 0; i < toSave.length; i++) {
            saved[i] = new SavedTensor(toSave[i]);
        }
        this.function = function;
    }

    public String name() {
        return name;
    }

    int inputCount() {
        return next.length;
    }

    Node next(int i) {
        return next[i];
    }

    Tensor leaf(int i) {
        return leaves[i];
    }

    /** Marks {@code output} (this node's result) to keep its gradient in {@code grad}. */
    public void retainGradOf(Tensor output) {
        this.retainedOutput = output;
    }

    /** Registers a hook on the gradient of this node's output (see Tensor.registerHook). */
    public RemovableHandle addGradHook(java.util.function.UnaryOperator<Tensor> hook) {
        if (gradHooks == null) {
            gradHooks = new java.util.ArrayList<>();
        }
        gradHooks.add(hook);
        return () -> gradHooks.remove(hook);
    }

    /** The output gradient after this node's hooks; each non-null hook result replaces it. */
    Tensor applyGradHooks(Tensor grad) {
        return GradHooks.apply(gradHooks, grad);
    }

    Tensor retainedOutput() {
        return retainedOutput;
    }

    Tensor[] apply(Tensor gradOutput) {
        if (function == null) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved"
                    + " tensors after they have already been freed). Saved intermediate values of the graph are freed when"
                    + " you call backward(). Call backward(grad, true) (retainGraph) if you need to backward through the"
                    + " graph a second time. (node " + name + ")");
        }
        SavedTensor[] s = saved;
        return function.apply(gradOutput, new BackwardContext() {
            @Override
            public Tensor saved(int i) {
                return s[i].unpack();
            }

            @Override
            public boolean needsGrad(int i) {
                return needsGrad[i];
            }
        });
    }

    /** Drops the saved tensors and the backward function (after a backward without retainGraph). */
    void release() {
        saved = null;
        function = null;
    }

    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
