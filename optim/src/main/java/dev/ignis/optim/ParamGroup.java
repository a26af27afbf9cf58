package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A list of parameters with its own hyperparameters, keyed by PyTorch's names ({@code lr},
 * {@code momentum}, {@code betas}, {@code weight_decay}, ...). Values are {@code Double},
 * {@code Boolean}, {@code Integer}, {@code String}, {@code double[]} (betas) or null.
 * Schedulers read and write them while training; hyperparameters missing here are filled from the
 * optimizer's defaults when the group is added.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Object> options;

    public ParamGroup(List<Tensor> params, Map<String, ?> options) {
        this.params = List.copyOf(params);
        this.options = new LinkedHashMap<>(options);
    }

    public ParamGroup(List<Tensor> params) {
        this(params, Map.of());
    }

    public List<Tensor> params() {
        return params;
    }

    /** All hyperparameters in insertion order (read-only view). */
    public Map<String, Object> options() {
        return Collections.unmodifiableMap(options);
    }

    public boolean has(String key) {
        return options.containsKey(key);
    }

    public Object get(String key) {
        if (!options.containsKey(key)) {
            throw new IllegalArgumentException("param group has no hyperparameter '" + key + "'; it has " + options.keySet());
        }
        return options.get(key);
    }

    public double getDouble(String key) {
        Object v = get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' is not a number: " + v);
        }
        return n.doubleValue();
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    /** {@code betas} and other pairs. */
    public double[] getPair(String key) {
        return ((double[]) get(key)).clone();
    }

    // typed accessors of the common hyperparameters, beside the PyTorch-named map of the state dict

    /** The learning rate, {@code group["lr"]}. */
    public double lr() {
        return getDouble("lr");
    }

    /** {@code group["weight_decay"]}. */
    public double weightDecay() {
        return getDouble("weight_decay");
    }

    /** {@code group["momentum"]} (SGD, RMSprop). */
    public double momentum() {
        return getDouble("momentum");
    }

    /** {@code group["betas"]} (the Adam family), a copy. */
    public double[] betas() {
        return getPair("betas");
    }

    /** Sets (or adds) a hyperparameter; returns this group. */
    public ParamGroup set(String key, Object value) {
        options.put(key, value instanceof double[] d ? d.clone() : value);
        return this;
    }

    /** Adds {@code key} only when absent (Python's dict.setdefault). */
    public void setDefault(String key, Object value) {
        if (!options.containsKey(key)) {
            set(key, value);
        }
    }
}
