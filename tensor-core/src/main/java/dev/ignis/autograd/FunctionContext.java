package dev.ignis.autograd;

import dev.ignis.tensor.Tensor;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link Function}'s forward leaves for its backward (PyTorch's {@code ctx}): tensors saved
 * with {@link #saveForBackward} (checked against in-place modification when read back), other
 * values under names, which outputs are not differentiable, and which inputs need a gradient.
 */
public final class FunctionContext {
    private final boolean[] needsInputGrad;
    private SavedTensor[] saved = new SavedTensor[0];
    private final Map<String, Object> values = new HashMap<>();
    private final Set<Tensor> nonDifferentiable = Collections.newSetFromMap(new IdentityHashMap<>());

    FunctionContext(boolean[] needsInputGrad) {
        this.needsInputGrad = needsInputGrad;
    }

    /** Saves tensors (inputs or outputs; null allowed) for backward, replacing any saved before. */
    public void saveForBackward(Tensor... tensors) {
        SavedTensor[] s = new SavedTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            s[i] = tensors[i] == null ? null : new SavedTensor(tensors[i]);
        }
        saved = s;
    }

    /**
     * The tensors given to {@link #saveForBackward}, in order.
     *
     * @throws IllegalStateException when one was modified in place after it was saved
     */
    public Tensor[] savedTensors() {
        Tensor[] out = new Tensor[saved.length];
        for (int i = 0; i < saved.length; i++) {
            out[i] = saved[i] == null ? null : saved[i].unpack();
        }
        return out;
    }

    /** Keeps a non-tensor value (a shape, a flag, a scale) for backward. */
    public void put(String name, Object value) {
        values.put(name, value);
    }

    /**
     * A value kept with {@link #put}.
     *
     * @throws IllegalArgumentException when nothing was kept under {@code name}
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("FunctionContext: no value saved under '" + name + "' (saved: "
                    + values.keySet() + ")");
        }
        return (T) values.get(name);
    }

    /** Declares outputs that have no gradient (indices, masks); they are returned without a grad_fn. */
    public void markNonDifferentiable(Tensor... outputs) {
        nonDifferentiable.addAll(java.util.Arrays.asList(outputs));
    }

    boolean isNonDifferentiable(Tensor output) {
        return nonDifferentiable.contains(output);
    }

    /** Whether input {@code i} of the forward needs a gradient (backward may return null for the others). */
    public boolean needsInputGrad(int i) {
        return needsInputGrad[i];
    }
}
