package dev.ignis.spark;

import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every param group's hyperparameters as the driver's optimizer holds them after its schedulers
 * stepped: per group, each PyTorch-named value with its type ({@code Double}, {@code Boolean},
 * {@code Integer}, {@code String}, {@code double[]} pairs such as {@code betas}, or null). It
 * travels with each round, so per-group learning rates and scheduled momentum or betas (OneCycleLR,
 * CyclicLR) reach every replica, and is stored in checkpoints.
 */
final class Hyperparameters implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Map<String, Object>> groups;

    private Hyperparameters(List<Map<String, Object>> groups) {
        this.groups = groups;
    }

    /** A copy of {@code optimizer}'s groups' hyperparameters, in group order. */
    static Hyperparameters of(Optimizer optimizer) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) {
            Map<String, Object> copy = new LinkedHashMap<>();
            g.options().forEach((key, value) -> copy.put(key, value instanceof double[] d ? d.clone() : value));
            out.add(Collections.unmodifiableMap(copy));
        }
        return new Hyperparameters(List.copyOf(out));
    }

    /** Hyperparameters as {@link #groups()} lists them (read back from a checkpoint). */
    static Hyperparameters of(List<Map<String, Object>> groups) {
        List<Map<String, Object>> out = new ArrayList<>();
        groups.forEach(g -> out.add(Collections.unmodifiableMap(new LinkedHashMap<>(g))));
        return new Hyperparameters(List.copyOf(out));
    }

    /** Each group's hyperparameters by PyTorch's names, in group order (unmodifiable). */
    List<Map<String, Object>> groups() {
        return groups;
    }

    /**
     * Sets every hyperparameter on the group of the same index of {@code optimizer}, built by the
     * same factory (so it has as many groups).
     *
     * @throws IllegalArgumentException when the group counts differ, naming both
     */
    void applyTo(Optimizer optimizer) {
        List<ParamGroup> target = optimizer.paramGroups();
        if (target.size() != groups.size()) {
            throw new IllegalArgumentException("the optimizer factory made " + target.size() + " param group(s) here,"
                    + " but the driver's optimizer has " + groups.size() + "; it must make the same groups every time");
        }
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = target.get(i);
            groups.get(i).forEach(g::set);
        }
    }

    /** Group 0's learning rate, the one progress lines and metrics show. */
    double lr() {
        return ((Number) groups.get(0).get("lr")).doubleValue();
    }

    /** The number of param groups. */
    int size() {
        return groups.size();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> g : groups) {
            out.append(out.length() == 0 ? "" : "; ").append('{');
            g.forEach((key, value) -> out.append(out.charAt(out.length() - 1) == '{' ? "" : ", ").append(key)
                    .append('=').append(value instanceof double[] d ? Arrays.toString(d) : value));
            out.append('}');
        }
        return out.toString();
    }
}
