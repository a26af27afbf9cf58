package dev.ignis.spark;

import dev.ignis.autograd.GradMode;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.OptimizerState;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An optimizer's per-parameter state (momentum buffers, Adam's moments and step counts) as one
 * double vector plus its layout, so replicas' states can be averaged and shipped back. An empty
 * layout means no state yet (before the first step).
 */
record OptimizerVector(List<Slot> layout, double[] values) implements Serializable {
    /** One state tensor: its parameter index, key, shape and dtype. */
    record Slot(int param, String key, int[] shape, DType dtype) implements Serializable {
        int numel() {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }
    }

    static final OptimizerVector EMPTY = new OptimizerVector(List.of(), new double[0]);

    /**
     * The optimizer's state read from its own tensors (no state dict is cloned): slots ordered by
     * parameter index (across groups, as in a state dict), then by key.
     */
    static OptimizerVector of(Optimizer optimizer) {
        List<Tensor> params = params(optimizer);
        List<Slot> layout = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            for (Map.Entry<String, Object> e : new TreeMap<>(optimizer.stateOf(params.get(i))).entrySet()) {
                if (e.getValue() instanceof Tensor t) {
                    layout.add(new Slot(i, e.getKey(), t.shape(), t.dtype()));
                    tensors.add(t);
                }
            }
        }
        double[] flat = new double[layout.stream().mapToInt(Slot::numel).sum()];
        int at = 0;
        for (Tensor t : tensors) {
            double[] v = t.toDoubleArray();
            System.arraycopy(v, 0, flat, at, v.length);
            at += v.length;
        }
        return new OptimizerVector(List.copyOf(layout), flat);
    }

    /** The optimizer's parameters numbered as a state dict numbers them: group by group, in order. */
    private static List<Tensor> params(Optimizer optimizer) {
        List<Tensor> params = new ArrayList<>();
        optimizer.paramGroups().forEach(g -> params.addAll(g.params()));
        return params;
    }

    /** Whether every slot is float32, so that each value is a float32 widened to double. */
    boolean isFloat32() {
        return layout.stream().allMatch(slot -> slot.dtype() == DType.FLOAT32);
    }

    boolean isEmpty() {
        return layout.isEmpty();
    }

    /**
     * Replaces {@code optimizer}'s state by these values (its param groups are kept): an empty
     * vector clears it, so an optimizer kept from an earlier round starts as a new one would.
     * Where its state already has exactly this layout (a replica kept from the previous round), the
     * values are copied into its own tensors: a round then allocates no state that outlives it,
     * which the young collections would otherwise copy between survivor spaces all round long.
     */
    void loadInto(Optimizer optimizer) {
        List<Tensor> own = sameLayout(optimizer);
        int at = 0;
        if (own != null) {
            try (var ignored = GradMode.noGrad()) {
                for (int i = 0; i < layout.size(); i++) {
                    own.get(i).copy_(slotTensor(layout.get(i), at));
                    at += layout.get(i).numel();
                }
            }
            return;
        }
        OptimizerState current = optimizer.stateDict();
        Map<Integer, Map<String, Object>> state = new LinkedHashMap<>();
        for (Slot s : layout) {
            state.computeIfAbsent(s.param(), k -> new LinkedHashMap<>()).put(s.key(), slotTensor(s, at));
            at += s.numel();
        }
        optimizer.loadStateDict(new OptimizerState(state, current.paramGroups()));
    }

    /** Slot {@code s}'s values, starting at {@code at}, as a new tensor of its shape and dtype. */
    private Tensor slotTensor(Slot s, int at) {
        return Tensor.fromArray(Arrays.copyOfRange(values, at, at + s.numel())).reshape(s.shape()).to(s.dtype());
    }

    /**
     * The optimizer's own state tensors, slot by slot, when its state holds exactly this layout's
     * slots (same parameters, keys, shapes and dtypes, and nothing else); otherwise null.
     */
    private List<Tensor> sameLayout(Optimizer optimizer) {
        List<Tensor> params = params(optimizer);
        int entries = 0;
        for (Tensor p : params) {
            entries += optimizer.stateOf(p).size();
        }
        if (entries != layout.size()) {
            return null;
        }
        List<Tensor> own = new ArrayList<>(layout.size());
        for (Slot s : layout) {
            Object v = s.param() < params.size() ? optimizer.stateOf(params.get(s.param())).get(s.key()) : null;
            if (!(v instanceof Tensor t) || !Arrays.equals(t.shape(), s.shape()) || t.dtype() != s.dtype()) {
                return null;
            }
            own.add(t);
        }
        return own;
    }
}
