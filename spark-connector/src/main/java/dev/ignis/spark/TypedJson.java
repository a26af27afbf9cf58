package dev.ignis.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values of a state dict's {@code Map<String, Object>} (hyperparameters, scheduler states) as JSON
 * that reads back as the same Java types, which the optimizers and schedulers cast to. JSON's own
 * types carry {@code null}, {@code Boolean}, {@code String}, {@code Integer} (a JSON integer),
 * finite {@code Double} (a JSON number with a fraction or exponent), {@code List} (an array) and
 * maps (an object); the rest is an object of one key naming the type: {@code {"$long": 5}},
 * {@code {"$double": "Infinity"}}, {@code {"$float": 0.5}}, {@code {"$double[]": [0.9, 0.999]}},
 * {@code {"$int[]": [...]}}, {@code {"$long[]": [...]}}, {@code {"$float[]": [...]}}.
 */
final class TypedJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TypedJson() {
    }

    /**
     * {@code value} as JSON.
     *
     * @throws IllegalArgumentException for a type outside the list above, or a map key starting with '$'
     */
    static JsonNode encode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof String s) {
            return NODES.textNode(s);
        } else if (value instanceof Integer i) {
            return NODES.numberNode(i);
        } else if (value instanceof Double d) {
            return Double.isFinite(d) ? NODES.numberNode(d) : tagged("$double", NODES.textNode(d.toString()));
        } else if (value instanceof Long l) {
            return tagged("$long", NODES.numberNode(l));
        } else if (value instanceof Float f) {
            return tagged("$float", NODES.numberNode(f));
        } else if (value instanceof double[] a) {
            ArrayNode out = NODES.arrayNode();
            for (double d : a) {
                out.add(encode(d));
            }
            return tagged("$double[]", out);
        } else if (value instanceof float[] a) {
            ArrayNode out = NODES.arrayNode();
            for (float f : a) {
                out.add(f);
            }
            return tagged("$float[]", out);
        } else if (value instanceof int[] a) {
            ArrayNode out = NODES.arrayNode();
            for (int i : a) {
                out.add(i);
            }
            return tagged("$int[]", out);
        } else if (value instanceof long[] a) {
            ArrayNode out = NODES.arrayNode();
            for (long l : a) {
                out.add(l);
            }
            return tagged("$long[]", out);
        } else if (value instanceof List<?> list) {
            ArrayNode out = NODES.arrayNode();
            list.forEach(v -> out.add(encode(v)));
            return out;
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode out = NODES.objectNode();
            map.forEach((k, v) -> {
                if (!(k instanceof String key) || key.startsWith("$")) {
                    throw new IllegalArgumentException("TypedJson: map keys must be strings not starting with '$', got "
                            + k);
                }
                out.set(key, encode(v));
            });
            return out;
        }
        throw new IllegalArgumentException("TypedJson: cannot store a " + value.getClass().getName() + " (" + value
                + ")");
    }

    /** The Java value {@code node} encodes ({@link #encode}'s inverse). */
    static Object decode(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        } else if (node.isBoolean()) {
            return node.booleanValue();
        } else if (node.isTextual()) {
            return node.textValue();
        } else if (node.isIntegralNumber()) {
            return node.intValue();
        } else if (node.isNumber()) {
            return node.doubleValue();
        } else if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(n -> out.add(decode(n)));
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        if (node.size() == 1) {
            Map.Entry<String, JsonNode> only = node.fields().next();
            JsonNode v = only.getValue();
            switch (only.getKey()) {
                case "$long":
                    return v.longValue();
                case "$double":
                    return v.isTextual() ? Double.valueOf(v.textValue()) : v.doubleValue();
                case "$float":
                    return v.floatValue();
                case "$double[]": {
                    double[] out = new double[v.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = ((Number) decode(v.get(i))).doubleValue();
                    }
                    return out;
                }
                case "$float[]": {
                    float[] out = new float[v.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = v.get(i).floatValue();
                    }
                    return out;
                }
                case "$int[]": {
                    int[] out = new int[v.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = v.get(i).intValue();
                    }
                    return out;
                }
                case "$long[]": {
                    long[] out = new long[v.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = v.get(i).longValue();
                    }
                    return out;
                }
                default:
                    break;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            out.put(e.getKey(), decode(e.getValue()));
        }
        return out;
    }

    /** A record (or any bean) as JSON through Jackson's mapping, NaN and infinities as strings. */
    static JsonNode fromRecord(Object value) {
        return JSON.valueToTree(value);
    }

    /** {@link #fromRecord}'s inverse. */
    static <T> T toRecord(JsonNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("reading a " + type.getSimpleName() + " from " + node + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode tagged(String tag, JsonNode value) {
        ObjectNode out = NODES.objectNode();
        out.set(tag, value);
        return out;
    }
}
