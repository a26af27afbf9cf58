package dev.ignis.data;

import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's default_collate: tensors are stacked along a new first dimension (equal shapes);
 * floating numbers become a float64 tensor, integers an int64 tensor, booleans a bool tensor;
 * strings stay a list; Tensor[] and Object[] samples (tuples), lists and maps are collated field by
 * field into the same kind of container.
 */
public final class Collate {
    private Collate() {
    }

    @SuppressWarnings("unchecked")
    public static Object defaultCollate(List<?> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("default_collate: empty batch");
        }
        Object first = samples.get(0);
        if (first instanceof Tensor t) {
            List<Tensor> ts = new ArrayList<>(samples.size());
            for (Object s : samples) {
                Tensor x = (Tensor) s;
                if (!Arrays.equals(x.shape(), t.shape())) {
                    throw new IllegalArgumentException("default_collate: stack expects each tensor to be equal size, but"
                            + " got " + Shape.format(t.shape()) + " at entry 0 and " + Shape.format(x.shape()));
                }
                ts.add(x);
            }
            return Tensor.stack(ts, 0);
        } else if (first instanceof Double || first instanceof Float) {
            double[] v = new double[samples.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) samples.get(i)).doubleValue();
            }
            return Tensor.fromArray(v);
        } else if (first instanceof Long || first instanceof Integer || first instanceof Short || first instanceof Byte) {
            long[] v = new long[samples.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) samples.get(i)).longValue();
            }
            return Tensor.fromArray(v);
        } else if (first instanceof Boolean) {
            boolean[] v = new boolean[samples.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (Boolean) samples.get(i);
            }
            return Tensor.fromArray(v);
        } else if (first instanceof CharSequence) {
            return new ArrayList<>(samples);
        } else if (first instanceof Tensor[] fields) {
            Tensor[] out = new Tensor[fields.length];
            for (int f = 0; f < fields.length; f++) {
                out[f] = (Tensor) defaultCollate(field(samples, f, fields.length));
            }
            return out;
        } else if (first instanceof Object[] fields) {
            Object[] out = new Object[fields.length];
            for (int f = 0; f < fields.length; f++) {
                out[f] = defaultCollate(field(samples, f, fields.length));
            }
            return out;
        } else if (first instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int f = 0; f < list.size(); f++) {
                out.add(defaultCollate(field(samples, f, list.size())));
            }
            return out;
        } else if (first instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Object key : map.keySet()) {
                List<Object> values = new ArrayList<>(samples.size());
                for (Object s : samples) {
                    values.add(((Map<Object, Object>) s).get(key));
                }
                out.put(key, defaultCollate(values));
            }
            return out;
        }
        throw new IllegalArgumentException("default_collate: batch must contain tensors, numbers, strings, maps, lists or"
                + " arrays; found " + first.getClass().getName());
    }

    private static List<Object> field(List<?> samples, int f, int arity) {
        List<Object> values = new ArrayList<>(samples.size());
        for (Object s : samples) {
            int length = s instanceof Object[] a ? a.length : ((List<?>) s).size();
            if (length != arity) {
                throw new IllegalArgumentException("default_collate: each element in list of batch should be of equal"
                        + " size (" + arity + " vs " + length + ")");
            }
            values.add(s instanceof Object[] a ? a[f] : ((List<?>) s).get(f));
        }
        return values;
    }
}
