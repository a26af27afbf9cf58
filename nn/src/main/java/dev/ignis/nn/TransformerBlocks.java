package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

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

    /** dropout(attention(q, kv, kv)), the attention sublayer of both layers (no weights asked for). */
    static Tensor attend(MultiheadAttention attention, Dropout dropout, Tensor q, Tensor kv, Tensor mask,
                         Tensor padding, boolean isCausal) {
        return dropout.call(attention.forward(q, kv, kv, padding, false, mask, true, isCausal).output());
    }

    /** outDropout(linear2(dropout(act(linear1(x))))), the feed-forward sublayer of both layers. */
    static Tensor feedForward(Linear linear1, UnaryOperator<Tensor> activation, Dropout dropout, Linear linear2,
                              Dropout outDropout, Tensor x) {
        return outDropout.call(linear2.call(dropout.call(activation.apply(linear1.call(x)))));
    }

    /** A copy of {@code m}'s state dict whose tensors share nothing with m's. */
    static Map<String, Tensor> clonedState(Module m) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> copy.put(k, v.detach().clone()));
        return copy;
    }
}
