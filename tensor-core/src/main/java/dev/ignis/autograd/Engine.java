package dev.ignis.autograd;

import dev.ignis.backend.Storage;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs backward passes: visits the graph below a root in reverse topological order (a node runs
 * once all gradients flowing into it have been summed), and accumulates into each leaf's
 * {@code grad}. Backward functions run with recording disabled.
 */
public final class Engine {
    private Engine() {
    }

    /**
     * Computes d(root)/d(leaf) · {@code gradient} for every leaf below {@code root} that requires
     * grad, adding it to the leaf's {@code grad}.
     *
     * @param gradient    dL/d(root), same shape as root
     * @param retainGraph keep saved tensors so that the graph can be walked again
     */
    public static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        }
        if (!Arrays.equals(root.shape(), gradient.shape())) {
            throw new IllegalArgumentException("backward: gradient has shape " + Shape.format(gradient.shape())
                    + " but the output has shape " + Shape.format(root.shape()));
        }
        try (var ignored = GradMode.noGrad()) {
            Set<Storage> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
            handedOut.add(gradient.storage());
            if (root.gradFn() == null) {
                accumulate(root, gradient, "leaf", handedOut);
                return;
            }
            run(root.gradFn(), gradient, retainGraph, handedOut);
        }
    }

    private static void run(Node rootNode, Tensor gradient, boolean retainGraph, Set<Storage> handedOut) {
        Map<Node, Integer> dependencies = countDependencies(rootNode);
        Map<Node, Tensor> pending = new HashMap<>();
        pending.put(rootNode, gradient);
        Deque<Node> ready = new ArrayDeque<>();
        ready.add(rootNode);
        while (!ready.isEmpty()) {
            Node node = ready.poll();
            Tensor grad = node.applyGradHooks(pending.remove(node));
            if (node.retainedOutput() != null) {
                accumulate(node.retainedOutput(), grad, node.name(), handedOut);
            }
            Profiler profiler = Profiler.active();
            long started = profiler == null ? 0 : System.nanoTime();
            Tensor[] inputGrads = node.apply(grad);
            if (profiler != null) {
                profiler.record(node.name(), System.nanoTime() - started);
            }
            if (!retainGraph) {
                node.release();
            }
            for (int i = 0; i < node.inputCount(); i++) {
                Tensor g = i < inputGrads.length ? inputGrads[i] : null;
                Node next = node.next(i);
                Tensor leaf = node.leaf(i);
                if (g != null && leaf != null) {
                    accumulate(leaf, g, node.name(), handedOut);
                } else if (g != null && next != null) {
                    pending.merge(next, g, Tensor::add);
                }
                if (next != null) {
                    int left = dependencies.merge(next, -1, Integer::sum);
                    if (left == 0) {
                        if (pending.containsKey(next)) {
                            ready.add(next);
                        } else {
                            // no gradient reached it: release what it holds and skip the subtree
                            skip(next, dependencies, ready, pending, retainGraph);
                        }
                    }
                }
            }
        }
    }

    private static void skip(Node node, Map<Node, Integer> dependencies, Deque<Node> ready,
                             Map<Node, Tensor> pending, boolean retainGraph) {
        if (!retainGraph) {
            node.release();
        }
        for (int i = 0; i < node.inputCount(); i++) {
            Node next = node.next(i);
            if (next != null && dependencies.merge(next, -1, Integer::sum) == 0) {
                if (pending.containsKey(next)) {
                    ready.add(next);
                } else {
                    skip(next, dependencies, ready, pending, retainGraph);
                }
            }
        }
    }

    private static Map<Node, Integer> countDependencies(Node root) {
        Map<Node, Integer> deps = new IdentityHashMap<>();
        List<Node> stack = new ArrayList<>();
        stack.add(root);
        deps.put(root, 0);
        while (!stack.isEmpty()) {
            Node node = stack.remove(stack.size() - 1);
            for (int i = 0; i < node.inputCount(); i++) {
                Node next = node.next(i);
                if (next != null) {
                    Integer seen = deps.get(next);
                    deps.put(next, seen == null ? 1 : seen + 1);
                    if (seen == null) {
                        stack.add(next);
                    }
                }
            }
        }
        return deps;
    }

    /**
     * Adds {@code grad} into {@code target.grad}. A first gradient is adopted without a copy when it
     * is contiguous and its storage was not handed out before in this pass (backward functions
     * never write into gradients they receive, so such a tensor is owned by nobody else); otherwise
     * it is cloned, so that no two grads share storage and in-place updates of one (clipping,
     * zero_) cannot leak into another.
     */
    private static void accumulate(Tensor target, Tensor grad, String from, Set<Storage> handedOut) {
        if (!Arrays.equals(target.shape(), grad.shape())) {
            throw new IllegalStateException("autograd: " + from + " produced a gradient of shape "
                    + Shape.format(grad.shape()) + " for a tensor of shape " + Shape.format(target.shape()));
        }
        Tensor hooked = target.isLeaf() ? target.applyLeafHooks(grad) : grad;
        Tensor g = hooked.dtype() == target.dtype() ? hooked : hooked.to(target.dtype());
        Tensor old = target.grad();
        if (old != null) {
            target.grad(old.add(g));
        } else if (g.isContiguous() && g.numel() == g.storage().size() && handedOut.add(g.storage())) {
            target.grad(g.detach());
        } else {
            Tensor copy = g.clone();
            handedOut.add(copy.storage());
            target.grad(copy);
        }
    }
}
