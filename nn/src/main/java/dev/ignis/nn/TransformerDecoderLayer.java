package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * One Transformer decoder block (torch.nn.TransformerDecoderLayer): self-attention over the
 * target, cross-attention to the encoder's memory, and a feed-forward network, each with a
 * residual connection and LayerNorm.
 * <pre>
 *   SA(x) = dropout1(self_attn(x, x, x)),  CA(x, m) = dropout2(multihead_attn(x, m, m)),
 *   FF(x) = dropout3(linear2(dropout(act(linear1(x)))))
 *   post-norm (default): x = norm1(x + SA(x));  x = norm2(x + CA(x, m));  x = norm3(x + FF(x))
 *   normFirst:           x = x + SA(norm1(x));  x = x + CA(norm2(x), m);  x = x + FF(norm3(x))
 * </pre>
 * Shapes: tgt [T, N, E], memory [S, N, E] ([N, ·, E] with batchFirst) → [T, N, E]. tgtMask
 * [T, T], memoryMask [T, S] (or per head [N·H, ·, ·]); tgtKeyPaddingMask [N, T],
 * memoryKeyPaddingMask [N, S]; bool true = masked. PyTorch's submodule names.
 */
public final class TransformerDecoderLayer extends Module {
    private final int dModel;
    private final int nhead;
    private final TransformerOptions<?> options;
    private final UnaryOperator<Tensor> activation;
    private final boolean normFirst;
    private final MultiheadAttention selfAttn;
    private final MultiheadAttention multiheadAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    public TransformerDecoderLayer(int dModel, int nhead) {
        this(dModel, nhead, new TransformerLayerOptions());
    }

    /** {@code options}: a {@link TransformerLayerOptions} (or a {@link Transformer.Options}, whose layer arguments apply). */
    public TransformerDecoderLayer(int dModel, int nhead, TransformerOptions<?> options) {
        this.dModel = dModel;
        this.nhead = nhead;
        this.options = options;
        this.activation = options.activation;
        this.normFirst = options.normFirst;
        TransformerBlocks blocks = new TransformerBlocks(dModel, options);
        this.selfAttn = registerModule("self_attn", blocks.attention(nhead));
        this.multiheadAttn = registerModule("multihead_attn", blocks.attention(nhead));
        this.linear1 = registerModule("linear1", blocks.linear(dModel, options.dimFeedforward));
        this.dropout = registerModule("dropout", blocks.dropout());
        this.linear2 = registerModule("linear2", blocks.linear(options.dimFeedforward, dModel));
        this.norm1 = registerModule("norm1", blocks.norm());
        this.norm2 = registerModule("norm2", blocks.norm());
        this.norm3 = registerModule("norm3", blocks.norm());
        this.dropout1 = registerModule("dropout1", blocks.dropout());
        this.dropout2 = registerModule("dropout2", blocks.dropout());
        this.dropout3 = registerModule("dropout3", blocks.dropout());
    }

    /** A new layer of the same configuration holding copies of this layer's parameters (PyTorch's deepcopy). */
    public TransformerDecoderLayer copy() {
        TransformerDecoderLayer c = new TransformerDecoderLayer(dModel, nhead, options);
        c.loadStateDict(TransformerBlocks.clonedState(this));
        c.train(isTraining());
        return c;
    }

    /** A decoder needs the target and the memory: use {@link #forward(Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor tgt) {
        throw new UnsupportedOperationException(describe() + ": a decoder layer takes the target and the encoder's"
                + " memory; call forward(tgt, memory)");
    }

    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null, false, false);
    }

    /**
     * @param tgtMask              null, [T, T] or [N·H, T, T]
     * @param memoryMask           null, [T, S] or [N·H, T, S]
     * @param tgtKeyPaddingMask    null or [N, T]
     * @param memoryKeyPaddingMask null or [N, S]
     * @param tgtIsCausal          without tgtMask: each position attends to earlier ones only
     * @param memoryIsCausal       the same for the cross-attention
     */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask, boolean tgtIsCausal, boolean memoryIsCausal) {
        Tensor x = tgt;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.call(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal));
            x = x.add(crossAttentionBlock(norm2.call(x), memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal));
            return x.add(feedForwardBlock(norm3.call(x)));
        }
        x = norm1.call(x.add(selfAttentionBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal)));
        x = norm2.call(x.add(crossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal)));
        return norm3.call(x.add(feedForwardBlock(x)));
    }

    private Tensor selfAttentionBlock(Tensor x, Tensor mask, Tensor padding, boolean isCausal) {
        return TransformerBlocks.attend(selfAttn, dropout1, x, x, mask, padding, isCausal);
    }

    private Tensor crossAttentionBlock(Tensor x, Tensor memory, Tensor mask, Tensor padding, boolean isCausal) {
        return TransformerBlocks.attend(multiheadAttn, dropout2, x, memory, mask, padding, isCausal);
    }

    private Tensor feedForwardBlock(Tensor x) {
        return TransformerBlocks.feedForward(linear1, activation, dropout, linear2, dropout3, x);
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", nhead=" + nhead + ", dim_feedforward=" + options.dimFeedforward
                + ", activation=" + options.activationName + ", norm_first=" + Repr.bool(normFirst);
    }
}
