package dev.ignis.optim;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Constructor arguments of an optimizer, stored under PyTorch's hyperparameter names. Each
 * optimizer's {@code Options} subclass sets its defaults in its constructor: the one place a
 * default is stated. Setters are camelCase, keys are PyTorch's ({@code weightDecay} sets
 * {@code weight_decay}).
 */
public abstract class OptimizerOptions<T extends OptimizerOptions<T>> {
    private final Map<String, Object> values = new LinkedHashMap<>();
    /** The keys set through a setter, not by the constructor's defaults: what a param group overrides. */
    private final Set<String> explicit = new LinkedHashSet<>();

    /** Sets {@code key} as the caller's choice (a setter). */
    @SuppressWarnings("unchecked")
    protected final T put(String key, Object value) {
        values.put(key, value);
        explicit.add(key);
        return (T) this;
    }

    /** Sets {@code key}'s default (the subclass constructor). */
    protected final void putDefault(String key, Object value) {
        values.put(key, value);
    }

    public final T lr(double lr) {
        return put("lr", lr);
    }

    /** The hyperparameters as PyTorch names them, defaults included. */
    public final Map<String, Object> values() {
        return new LinkedHashMap<>(values);
    }

    /**
     * Only the hyperparameters set through setters, as PyTorch names them: what a param group
     * added with these options overrides, the rest coming from the optimizer's own defaults (a
     * dict passed to PyTorch's {@code add_param_group}).
     */
    public final Map<String, Object> explicitValues() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : explicit) {
            out.put(k, values.get(k));
        }
        return out;
    }

    final double number(String key) {
        return ((Number) values.get(key)).doubleValue();
    }

    final double[] pair(String key) {
        return (double[]) values.get(key);
    }
}
