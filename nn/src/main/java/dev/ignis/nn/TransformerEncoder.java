package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/**
 * A stack of {@code numLayers} copies of an encoder layer (torch.nn.TransformerEncoder), each
 * starting from the given layer's weights, then an optional final norm:
 * x ← layer_i(x, mask, padding) for i = 0..n−1; out = norm(x). Keys {@code layers.i.*},
 * {@code norm.*}. (PyTorch's nested-tensor fast path, which zeroes padded positions in eval mode,
 * is not reproduced: padded positions keep their computed values.)
 */
public final class TransformerEncoder extends Module {
    private final ModuleList layers;
    private final Module norm;

    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers) {
        this(encoderLayer, numLayers, null);
    }

    /** @param norm applied after the last layer, or null */
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, Module norm) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("TransformerEncoder: num_layers must be greater than 0, got " + numLayers);
        }
        ModuleList copies = new ModuleList();
        for (int i = 0; i < numLayers; i++) {
            copies.append(encoderLayer.copy());
        }
        this.layers = registerModule("layers", copies);
        this.norm = registerModule("norm", norm);
    }

    public int numLayers() {
        return layers.size();
    }

    public TransformerEncoderLayer layer(int i) {
        return (TransformerEncoderLayer) layers.get(i);
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    /** Masks as {@link TransformerEncoderLayer#forward(Tensor, Tensor, Tensor, boolean)}, passed to every layer. */
    public Tensor forward(Tensor src, Tensor mask, Tensor srcKeyPaddingMask, boolean isCausal) {
        Tensor x = src;
        for (int i = 0; i < layers.size(); i++) {
            x = layer(i).forward(x, mask, srcKeyPaddingMask, isCausal);
        }
        return norm == null ? x : norm.call(x);
    }
}
