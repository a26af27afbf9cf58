package dev.ignis.spark;

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

    static OptimizerVector of(Optimizer optimizer) {
        List<Slot> layout = new ArrayList<>();
        List<double[]> parts = new ArrayList<>();
        int total = 0;
        for (Map.Entry<Integer, Map<String, Object>> param : new TreeMap<>(optimizer.stateDict().state()).entrySet()) {
            for (Map.Entry<String, Object> e : new TreeMap<>(param.getValue()).entrySet()) {
                if (e.getValue() instanceof Tensor t) {
                    layout.add(new Slot(param.getKey(), e.getKey(), t.shape(), t.dtype()));
                    double[] v = t.toDoubleArray();
                    parts.add(v);
                    total += v.length;
                }
            }
        }
        double[] flat = new double[total];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, flat, at, p.length);
            at += p.length;
        }
        return new OptimizerVector(List.copyOf(layout), flat);
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
     */
    void loadInto(Optimizer optimizer) {
        OptimizerState current = optimizer.stateDict();
        Map<Integer, Map<String, Object>> state = new LinkedHashMap<>();
        int at = 0;
        for (Slot s : layout) {
            double[] v = Arrays.copyOfRange(values, at, at + s.numel());
            at += s.numel();
            state.computeIfAbsent(s.param(), k -> new LinkedHashMap<>())
                    .put(s.key(), Tensor.fromArray(v).reshape(s.shape()).to(s.dtype()));
        }
        optimizer.loadStateDict(new OptimizerState(state, current.paramGroups()));
    }
}
