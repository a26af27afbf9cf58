package dev.ignis.ops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The non-tensor arguments of an op call (stride, padding, flags), by name. Immutable; build with
 * {@link #of()} and {@link #with}.
 */
public final class OpAttributes {
    private static final OpAttributes EMPTY = new OpAttributes(Map.of());
    private final Map<String, Object> values;

    private OpAttributes(Map<String, Object> values) {
        this.values = values;
    }

    public static OpAttributes of() {
        return EMPTY;
    }

    /** A copy with {@code name} set to {@code value} (Integer, Double, Boolean, String or int[]). */
    public OpAttributes with(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, value instanceof int[] a ? a.clone() : value);
        return new OpAttributes(Collections.unmodifiableMap(m));
    }

    public int getInt(String name) {
        return (Integer) require(name);
    }

    public int[] getInts(String name) {
        return ((int[]) require(name)).clone();
    }

    public double getDouble(String name) {
        return ((Number) require(name)).doubleValue();
    }

    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("op attribute '" + name + "' is missing (given: " + values.keySet() + ")");
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=')
                .append(v instanceof int[] a ? java.util.Arrays.toString(a) : v));
        return sb.append('}').toString();
    }
}
