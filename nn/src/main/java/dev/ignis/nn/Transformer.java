package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Attention;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/**
 * The encoder-decoder Transformer (torch.nn.Transformer): memory = encoder(src), out =
 * decoder(tgt, memory), both stacks ending in a LayerNorm ({@code encoder.norm},
 * {@code decoder.norm}); after construction every parameter of more than one dimension is
 * re-drawn with xavier_uniform, as PyTorch does.
 *
 * <p>Shapes: src [S, N, E], tgt [T, N, E] ([N, ·, E] with batchFirst; unbatched [·, E]) → [T, N, E].
 * Masks: srcMask [S, S], tgtMask [T, T], memoryMask [T, S] (or per head [N·H, ·, ·]);
 * key padding masks [N, S], [N, T], [N, S]; bool true = masked, float masks added. Defaults as
 * PyTorch: d_model 512, nhead 8, 6 + 6 layers, feed-forward 2048, dropout 0.1, relu.
 */
public final class Transformer extends Module {
    private final int dModel;
    private final int nhead;
    private final boolean batchFirst;
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    /** Transformer's keyword arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends TransformerOptions<Options> {
        int dModel = 512;
        int nhead = 8;
        int numEncoderLayers = 6;
        int numDecoderLayers = 6;

        /** The model width E (default 512). */
        public Options dModel(int v) {
            dModel = v;
            return this;
        }

        /** Attention heads (default 8); must divide dModel. */
        public Options nhead(int v) {
            nhead = v;
            return this;
        }

        /** Encoder layers (default 6). */
        public Options numEncoderLayers(int v) {
            numEncoderLayers = v;
            return this;
        }

        /** Decoder layers (default 6). */
        public Options numDecoderLayers(int v) {
            numDecoderLayers = v;
            return this;
        }
    }

    /** PyTorch's defaults throughout. */
    public Transformer() {
        this(new Options());
    }

    public Transformer(Options options) {
        this.dModel = options.dModel;
        this.nhead = options.nhead;
        this.batchFirst = options.batchFirst;
        this.encoder = registerModule("encoder", new TransformerEncoder(
                new TransformerEncoderLayer(dModel, nhead, options), options.numEncoderLayers, finalNorm(options)));
        this.decoder = registerModule("decoder", new TransformerDecoder(
                new TransformerDecoderLayer(dModel, nhead, options), options.numDecoderLayers, finalNorm(options)));
        for (Tensor p : parameters()) {
            if (p.dim() > 1) {
                Init.xavierUniform_(p, 1.0, options.generator);
            }
        }
    }

    private static LayerNorm finalNorm(Options options) {
        return new LayerNorm(new int[] {options.dModel}, options.layerNormEps, true, options.bias);
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public TransformerDecoder decoder() {
        return decoder;
    }

    public int dModel() {
        return dModel;
    }

    /** The square causal mask [n, n]: 0 on and below the diagonal, −∞ above (float32, on the CPU). */
    public static Tensor generateSquareSubsequentMask(int n) {
        return Attention.causalMask(n, n, DType.FLOAT32, Device.CPU);
    }

    /** A Transformer needs a source and a target: use {@link #forward(Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor src) {
        throw new UnsupportedOperationException(describe() + ": a Transformer takes a source and a target; call"
                + " forward(src, tgt)");
    }

    public Tensor forward(Tensor src, Tensor tgt) {
        return forward(src, tgt, null, null, null, null, null, null, false, false, false);
    }

    /** PyTorch's full signature (the masks of {@link TransformerEncoder} and {@link TransformerDecoder}). */
    public Tensor forward(Tensor src, Tensor tgt, Tensor srcMask, Tensor tgtMask, Tensor memoryMask,
                         Tensor srcKeyPaddingMask, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask,
                         boolean srcIsCausal, boolean tgtIsCausal, boolean memoryIsCausal) {
        checkInputs(src, tgt);
        Tensor memory = encoder.forward(src, srcMask, srcKeyPaddingMask, srcIsCausal);
        return decoder.forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal,
                memoryIsCausal);
    }

    private void checkInputs(Tensor src, Tensor tgt) {
        boolean batched = src.dim() == 3;
        if (batched && tgt.dim() == 3) {
            int batchDim = batchFirst ? 0 : 1;
            if (src.size(batchDim) != tgt.size(batchDim)) {
                throw new IllegalArgumentException(describe() + ": the batch number of src and tgt must be equal, got"
                        + " src " + Shape.format(src.shape()) + " and tgt " + Shape.format(tgt.shape()));
            }
        } else if (src.dim() != tgt.dim() || src.dim() != 2) {
            throw new IllegalArgumentException(describe() + ": expected src and tgt both batched (3-D) or both"
                    + " unbatched (2-D), got src " + Shape.format(src.shape()) + " and tgt " + Shape.format(tgt.shape()));
        }
        if (src.size(-1) != dModel || tgt.size(-1) != dModel) {
            throw new IllegalArgumentException(describe() + ": the feature number of src and tgt must be equal to"
                    + " d_model (" + dModel + "), got src " + Shape.format(src.shape()) + " and tgt "
                    + Shape.format(tgt.shape()));
        }
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", nhead=" + nhead + ", batch_first=" + Repr.bool(batchFirst);
    }
}
