package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * One Transformer encoder block (torch.nn.TransformerEncoderLayer): self-attention and a
 * feed-forward network, each with a residual connection and LayerNorm.
 * <pre>
 *   SA(x) = dropout1(self_attn(x, x, x)),   FF(x) = dropout2(linear2(dropout(act(linear1(x)))))
 *   post-norm (default): x = norm1(x + SA(x));  x = norm2(x + FF(x))
 *   normFirst:           x = x + SA(norm1(x));  x = x + FF(norm2(x))
 * </pre>
 * Shapes: src [S, N, E] ([N, S, E] with batchFirst; unbatched [S, E]) → the same shape. Masks as
 * {@link MultiheadAttention}'s: srcMask [S, S] or [N·H, S, S], srcKeyPaddingMask [N, S], bool
 * true = masked. Submodules keep PyTorch's names (self_attn, linear1, dropout, linear2, norm1,
 * norm2, dropout1, dropout2), so PyTorch's state dicts load as they are.
 */
public final class TransformerEncoderLayer extends Module {
    private final int dModel;
    private final int nhead;
    private final TransformerOptions<?> options;
    private final UnaryOperator<Tensor> activation;
    private final boolean normFirst;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerEncoderLayer(int dModel, int nhead) {
        this(dModel, nhead, new TransformerLayerOptions());
    }

    /** {@code options}: a {@link TransformerLayerOptions} (or a {@link Transformer.Options}, whose layer arguments apply). */
    public TransformerEncoderLayer(int dModel, int nhead, TransformerOptions<?> options) {
        this.dModel = dModel;
        this.nhead = nhead;
        this.options = options;
        this.activation = options.activation;
        this.normFirst = options.normFirst;
        TransformerBlocks blocks = new TransformerBlocks(dModel, options);
        this.selfAttn = registerModule("self_attn", blocks.attention(nhead));
        this.linear1 = registerModule("linear1", blocks.linear(dModel, options.dimFeedforward));
        this.dropout = registerModule("dropout", blocks.dropout());
        this.linear2 = registerModule("linear2", blocks.linear(options.dimFeedforward, dModel));
        this.norm1 = registerModule("norm1", blocks.norm());
        this.norm2 = registerModule("norm2", blocks.norm());
        this.dropout1 = registerModule("dropout1", blocks.dropout());
        this.dropout2 = registerModule("dropout2", blocks.dropout());
    }

    /** A new layer of the same configuration holding copies of this layer's parameters (PyTorch's deepcopy). */
    public TransformerEncoderLayer copy() {
        TransformerEncoderLayer c = new TransformerEncoderLayer(dModel, nhead, options);
        c.loadStateDict(TransformerBlocks.clonedState(this));
        c.train(isTraining());
        return c;
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    /**
     * @param srcMask           null, [S, S] or [N·H, S, S] (bool true = masked, or float added)
     * @param srcKeyPaddingMask null or [N, S] (bool true = padding)
     * @param isCausal          without srcMask: attend only to earlier positions; with it, a hint
     */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask, boolean isCausal) {
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.call(x), srcMask, srcKeyPaddingMask, isCausal));
            return x.add(feedForwardBlock(norm2.call(x)));
        }
        x = norm1.call(x.add(selfAttentionBlock(x, srcMask, srcKeyPaddingMask, isCausal)));
        return norm2.call(x.add(feedForwardBlock(x)));
    }

    private Tensor selfAttentionBlock(Tensor x, Tensor mask, Tensor padding, boolean isCausal) {
        return TransformerBlocks.attend(selfAttn, dropout1, x, x, mask, padding, isCausal);
    }

    private Tensor feedForwardBlock(Tensor x) {
        return TransformerBlocks.feedForward(linear1, activation, dropout, linear2, dropout2, x);
    }

    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", nhead=" + nhead + ", dim_feedforward=" + options.dimFeedforward
                + ", activation=" + options.activationName + ", norm_first=" + Repr.bool(normFirst);
    }
}
