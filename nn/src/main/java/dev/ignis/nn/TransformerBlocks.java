package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parts every Transformer layer is built from, configured once from the layer's options. */
final class TransformerBlocks {
    private final int dModel;
    private final TransformerOptions<?> options;

    TransformerBlocks(int dModel, TransformerOptions<?> options) {
        this.dModel = dModel;
        this.options = options;
    }

    MultiheadAttention attention(int nhead) {
        return new MultiheadAttention(dModel, nhead, options.dropout, options.bias, false, false, dModel, dModel,
                options.batchFirst, options.generator);
    }

    Linear linear(int in, int out) {
        return new Linear(in, out, options.bias, options.generator);
    }

    Dropout dropout() {
        return new Dropout(options.dropout, options.generator);
    }

    LayerNorm norm() {
        return new LayerNorm(new int[] {dModel}, options.layerNormEps, true, options.bias);
    }

    /** A copy of {@code m}'s state dict whose tensors share nothing with m's. */
    static Map<String, Tensor> clonedState(Module m) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> copy.put(k, v.detach().clone()));
        return copy;
    }
}
