package dev.ignis.spark;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model's state dict as the flat vectors a round ships: every floating entry (parameters and
 * running statistics, in state-dict order) in one float vector, and every int64 entry
 * ({@code num_batches_tracked}) in one long vector.
 */
final class ModelVector {
    private ModelVector() {
    }

    static float[] weights(Module model) {
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (Tensor t : model.stateDict().values()) {
            if (t.dtype().isFloatingPoint()) {
                float[] v = t.toFloatArray();
                parts.add(v);
                total += v.length;
            }
        }
        float[] flat = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, flat, at, p.length);
            at += p.length;
        }
        return flat;
    }

    static long[] counters(Module model) {
        List<Long> values = new ArrayList<>();
        for (Tensor t : model.stateDict().values()) {
            if (!t.dtype().isFloatingPoint()) {
                for (long v : t.toLongArray()) {
                    values.add(v);
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Copies the vectors into the model's tensors in place (without grad).
     *
     * @throws IllegalArgumentException when their lengths do not fit the model
     */
    static void load(Module model, float[] weights, long[] counters) {
        int at = 0;
        int c = 0;
        try (var ignored = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                Tensor t = e.getValue();
                int n = t.numel();
                if (t.dtype().isFloatingPoint()) {
                    if (at + n > weights.length) {
                        throw new IllegalArgumentException("weight vector of " + weights.length + " values is too short for"
                                + " the model at '" + e.getKey() + "'");
                    }
                    t.copy_(Tensor.fromArray(java.util.Arrays.copyOfRange(weights, at, at + n)).reshape(t.shape())
                            .to(t.dtype()));
                    at += n;
                } else {
                    t.copy_(Tensor.fromArray(java.util.Arrays.copyOfRange(counters, c, c + n)).reshape(t.shape())
                            .to(DType.INT64));
                    c += n;
                }
            }
        }
        if (at != weights.length || c != counters.length) {
            throw new IllegalArgumentException("weight vectors (" + weights.length + " floats, " + counters.length
                    + " counters) do not fit the model (" + at + " floats, " + c + " counters)");
        }
    }
}
