package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/**
 * A stack of {@code numLayers} copies of a decoder layer (torch.nn.TransformerDecoder), each
 * starting from the given layer's weights, every one attending to the same memory, then an
 * optional final norm. Keys {@code layers.i.*}, {@code norm.*}.
 */
public final class TransformerDecoder extends Module {
    private final ModuleList layers;
    private final Module norm;

    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers) {
        this(decoderLayer, numLayers, null);
    }

    /** @param norm applied after the last layer, or null */
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, Module norm) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("TransformerDecoder: num_layers must be greater than 0, got " + numLayers);
        }
        ModuleList copies = new ModuleList();
        for (int i = 0; i < numLayers; i++) {
            copies.append(decoderLayer.copy());
        }
        this.layers = registerModule("layers", copies);
        this.norm = registerModule("norm", norm);
    }

    public int numLayers() {
        return layers.size();
    }

    public TransformerDecoderLayer layer(int i) {
        return (TransformerDecoderLayer) layers.get(i);
    }

    /** A decoder needs the target and the memory: use {@link #forward(Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor tgt) {
        throw new UnsupportedOperationException(describe() + ": a decoder takes the target and the encoder's memory;"
                + " call forward(tgt, memory)");
    }

    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null, false, false);
    }

    /** Masks as {@link TransformerDecoderLayer#forward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, boolean, boolean)}, passed to every layer. */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask, boolean tgtIsCausal, boolean memoryIsCausal) {
        Tensor x = tgt;
        for (int i = 0; i < layers.size(); i++) {
            x = layer(i).forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask,
                    tgtIsCausal, memoryIsCausal);
        }
        return norm == null ? x : norm.call(x);
    }
}
