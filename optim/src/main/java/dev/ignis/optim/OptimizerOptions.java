package dev.ignis.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Constructor arguments of an optimizer, stored under PyTorch's hyperparameter names. Each
 * optimizer's {@code Options} subclass sets its defaults in its constructor: the one place a
 * default is stated. Setters are camelCase, keys are PyTorch's ({@code weightDecay} sets
 * {@code weight_decay}).
 */
public abstract class OptimizerOptions<T extends OptimizerOptions<T>> {
    private final Map<String, Object> values = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    protected final T put(String key, Object value) {
        values.put(key, value);
        return (T) this;
    }

    public final T lr(double lr) {
        return put("lr", lr);
    }

    /** The hyperparameters as PyTorch names them, defaults included. */
    public final Map<String, Object> values() {
        return new LinkedHashMap<>(values);
    }

    final double number(String key) {
        return ((Number) values.get(key)).doubleValue();
    }

    final double[] pair(String key) {
        return (double[]) values.get(key);
    }
}
