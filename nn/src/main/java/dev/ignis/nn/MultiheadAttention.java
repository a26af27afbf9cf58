package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Attention;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Multi-head attention (torch.nn.MultiheadAttention):
 * <pre>
 *   Q = query·W_qᵀ + b_q,  K = key·W_kᵀ + b_k,  V = value·W_vᵀ + b_v        (in-projection)
 *   head_h = softmax(Q_h·K_hᵀ / √d + M)·V_h,   d = embedDim / numHeads       (per head)
 *   out = concat_h(head_h)·W_oᵀ + b_o                                          (out_proj)
 * </pre>
 * Shapes: query [L, N, E] (or [N, L, E] with {@code batchFirst}, or unbatched [L, E]), key [S, N,
 * kdim], value [S, N, vdim] → out like the query, weights [N, L, S] averaged over heads (or
 * [N, H, L, S]). Masks follow PyTorch's MultiheadAttention convention: a bool {@code true}
 * <em>masks out</em> (the opposite of {@link F#scaledDotProductAttention}); a float mask is added.
 * {@code attnMask} is [L, S] or [N·H, L, S]; {@code keyPaddingMask} is [N, S].
 *
 * <p>Parameters keep PyTorch's names: {@code in_proj_weight} [3E, E] and {@code in_proj_bias}
 * [3E], or {@code q_proj_weight}/{@code k_proj_weight}/{@code v_proj_weight} when kdim or vdim
 * differ from E; {@code out_proj.weight}/{@code out_proj.bias}; {@code bias_k}/{@code bias_v}
 * [1, 1, E] with {@code addBiasKv}. Init as PyTorch: xavier_uniform on the in-projection, zero
 * biases, xavier_normal on bias_k/bias_v.
 *
 * <p>Without attention weights ({@code needWeights} false, as the Transformer layers ask) the
 * heads run as one {@link F#scaledDotProductAttention} op; with them, as matmul and softmax, so
 * the returned weights are differentiable (PyTorch returns them after dropout, and so does this).
 */
public final class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final int headDim;
    private final int kdim;
    private final int vdim;
    private final double dropout;
    private final boolean batchFirst;
    private final boolean addZeroAttn;
    private final Generator gen;
    private final Tensor inProjWeight;
    private final Tensor qProjWeight;
    private final Tensor kProjWeight;
    private final Tensor vProjWeight;
    private final Tensor inProjBias;
    private final Tensor biasK;
    private final Tensor biasV;
    private final Linear outProj;

    /** The attention output, and the weights (null when not asked for). */
    public record Output(Tensor output, Tensor weights) {
    }

    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, 0.0, true, false, false, embedDim, embedDim, false);
    }

    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean batchFirst) {
        this(embedDim, numHeads, dropout, true, false, false, embedDim, embedDim, batchFirst);
    }

    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, boolean addBiasKv,
                              boolean addZeroAttn, int kdim, int vdim, boolean batchFirst) {
        this(embedDim, numHeads, dropout, bias, addBiasKv, addZeroAttn, kdim, vdim, batchFirst, Generator.getDefault());
    }

    /** {@code gen} draws the initial weights and the dropout masks. */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, boolean addBiasKv,
                              boolean addZeroAttn, int kdim, int vdim, boolean batchFirst, Generator gen) {
        if (embedDim <= 0 || numHeads <= 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim and num_heads must be greater than 0,"
                    + " got embed_dim=" + embedDim + " and num_heads=" + numHeads);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim must be divisible by num_heads, got"
                    + " embed_dim=" + embedDim + " and num_heads=" + numHeads);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.kdim = kdim;
        this.vdim = vdim;
        this.dropout = F.checkDropoutProbability(dropout);
        this.batchFirst = batchFirst;
        this.addZeroAttn = addZeroAttn;
        this.gen = gen;
        boolean sameDims = kdim == embedDim && vdim == embedDim;
        this.qProjWeight = registerParameter("q_proj_weight", sameDims ? null : Init.empty(embedDim, embedDim));
        this.kProjWeight = registerParameter("k_proj_weight", sameDims ? null : Init.empty(embedDim, kdim));
        this.vProjWeight = registerParameter("v_proj_weight", sameDims ? null : Init.empty(embedDim, vdim));
        this.inProjWeight = registerParameter("in_proj_weight", sameDims ? Init.empty(3 * embedDim, embedDim) : null);
        this.inProjBias = registerParameter("in_proj_bias", bias ? Init.empty(3 * embedDim) : null);
        this.biasK = registerParameter("bias_k", addBiasKv ? Init.empty(1, 1, embedDim) : null);
        this.biasV = registerParameter("bias_v", addBiasKv ? Init.empty(1, 1, embedDim) : null);
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias, gen));
        resetParameters();
    }

    private void resetParameters() {
        if (inProjWeight != null) {
            Init.xavierUniform_(inProjWeight, 1.0, gen);
        } else {
            Init.xavierUniform_(qProjWeight, 1.0, gen);
            Init.xavierUniform_(kProjWeight, 1.0, gen);
            Init.xavierUniform_(vProjWeight, 1.0, gen);
        }
        if (inProjBias != null) {
            Init.zeros_(inProjBias);
            Init.zeros_(outProj.bias());
        }
        if (biasK != null) {
            Init.xavierNormal_(biasK, 1.0, gen);
            Init.xavierNormal_(biasV, 1.0, gen);
        }
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    /** Self-attention of {@code x} without masks: the output only. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, x, null, false, null, true, false).output();
    }

    /** Attention without masks, with the head-averaged weights (PyTorch's defaults). */
    public Output forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, null, true, null, true, false);
    }

    /**
     * @param keyPaddingMask     null or [N, S] ([S] unbatched): bool true = ignore that key, or float (added)
     * @param needWeights        also return the attention weights
     * @param attnMask           null, [L, S] or [N·H, L, S]: bool true = not allowed to attend, or float (added)
     * @param averageAttnWeights weights averaged over heads [N, L, S], else per head [N, H, L, S]
     * @param isCausal           without an attnMask: mask key j for query i when j > i; with one, a
     *                           hint that it is causal (it is used as given)
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights,
                          Tensor attnMask, boolean averageAttnWeights, boolean isCausal) {
        boolean batched = query.dim() == 3;
        checkRanks(query, key, value, keyPaddingMask, batched);
        Tensor q = batched ? query : query.unsqueeze(1);
        Tensor k = batched ? key : key.unsqueeze(1);
        Tensor v = batched ? value : value.unsqueeze(1);
        Tensor padding = keyPaddingMask == null || batched ? keyPaddingMask : keyPaddingMask.unsqueeze(0);
        if (batchFirst && batched) {
            q = q.transpose(0, 1);
            k = k.transpose(0, 1);
            v = v.transpose(0, 1);
        }
        int l = q.size(0);
        int n = q.size(1);
        checkShapes(q, k, v);
        Tensor[] projected = project(q, k, v);
        // heads as [N, H, len, d]
        Tensor qh = heads(projected[0], l, n);
        Tensor kh = projected[1];
        Tensor vh = projected[2];
        Tensor mask = attnMask != null ? attnMask4d(attnMask, q.dtype(), l, k.size(0), n)
                : isCausal ? Attention.causalMask(l, k.size(0), q.dtype(), q.device()).view(1, 1, l, k.size(0)) : null;
        Tensor pad = padding == null ? null : paddingMask4d(padding, q.dtype(), n, k.size(0));
        if (biasK != null) {
            kh = Tensor.cat(List.of(kh, biasK.expand(1, n, embedDim)), 0);
            vh = Tensor.cat(List.of(vh, biasV.expand(1, n, embedDim)), 0);
            mask = padLastWithZero(mask);
            pad = padLastWithZero(pad);
        }
        kh = heads(kh, kh.size(0), n);
        vh = heads(vh, vh.size(0), n);
        if (addZeroAttn) {
            kh = Tensor.cat(List.of(kh, Tensor.zeros(kh.dtype(), kh.device(), n, numHeads, 1, headDim)), 2);
            vh = Tensor.cat(List.of(vh, Tensor.zeros(vh.dtype(), vh.device(), n, numHeads, 1, headDim)), 2);
            mask = padLastWithZero(mask);
            pad = padLastWithZero(pad);
        }
        mask = mask == null ? pad : pad == null ? mask : mask.add(pad);
        double p = isTraining() ? dropout : 0.0;
        Tensor attended;
        Tensor weights = null;
        if (needWeights) {
            Tensor scores = qh.mul(1.0 / Math.sqrt(headDim)).matmul(kh.transpose(-2, -1));
            weights = F.dropout((mask == null ? scores : scores.add(mask)).softmax(-1), p, p > 0, gen);
            attended = weights.matmul(vh);
        } else {
            attended = F.scaledDotProductAttention(qh, kh, vh, mask, p, false, null, gen);
        }
        Tensor out = outProj.call(attended.permute(2, 0, 1, 3).reshape(l, n, embedDim));
        if (batchFirst && batched) {
            out = out.transpose(0, 1);
        }
        if (weights != null && averageAttnWeights) {
            weights = weights.mean(1, false);
        }
        if (!batched) {
            out = out.squeeze(1);
            weights = weights == null ? null : weights.squeeze(0);
        }
        return new Output(out, weights);
    }

    /** The in-projections of [len, N, dim] inputs: {Q, K, V}, each [len, N, E]. */
    private Tensor[] project(Tensor q, Tensor k, Tensor v) {
        Tensor[] w = inProjWeight != null
                ? new Tensor[] {inProjWeight.narrow(0, 0, embedDim), inProjWeight.narrow(0, embedDim, embedDim),
                    inProjWeight.narrow(0, 2 * embedDim, embedDim)}
                : new Tensor[] {qProjWeight, kProjWeight, vProjWeight};
        Tensor[] b = inProjBias == null ? new Tensor[3]
                : new Tensor[] {inProjBias.narrow(0, 0, embedDim), inProjBias.narrow(0, embedDim, embedDim),
                    inProjBias.narrow(0, 2 * embedDim, embedDim)};
        return new Tensor[] {F.linear(q, w[0], b[0]), F.linear(k, w[1], b[1]), F.linear(v, w[2], b[2])};
    }

    /** [len, N, E] → [N, H, len, d]. */
    private Tensor heads(Tensor x, int len, int n) {
        return x.reshape(len, n, numHeads, headDim).permute(1, 2, 0, 3);
    }

    /** An attention mask as an additive [1 or N, 1 or H, L, S] tensor, its shape checked as PyTorch does. */
    private Tensor attnMask4d(Tensor attnMask, DType dtype, int l, int s, int n) {
        Tensor additive = Attention.additive(attnMask, true, dtype);
        if (attnMask.dim() == 2) {
            if (attnMask.size(0) != l || attnMask.size(1) != s) {
                throw new IllegalArgumentException(describe() + ": the shape of the 2D attn_mask is "
                        + Shape.format(attnMask.shape()) + ", but should be " + Shape.format(new int[] {l, s}) + ".");
            }
            return additive.view(1, 1, l, s);
        }
        if (attnMask.dim() == 3) {
            int[] expected = {n * numHeads, l, s};
            if (!Arrays.equals(attnMask.shape(), expected)) {
                throw new IllegalArgumentException(describe() + ": the shape of the 3D attn_mask is "
                        + Shape.format(attnMask.shape()) + ", but should be " + Shape.format(expected) + ".");
            }
            return additive.reshape(n, numHeads, l, s);
        }
        throw new IllegalArgumentException(describe() + ": attn_mask's dimension " + attnMask.dim()
                + " is not supported (expected [L, S] or [N*num_heads, L, S])");
    }

    /** A key padding mask [N, S] as an additive [N, 1, 1, S] tensor. */
    private Tensor paddingMask4d(Tensor padding, DType dtype, int n, int s) {
        if (padding.dim() != 2 || padding.size(0) != n || padding.size(1) != s) {
            throw new IllegalArgumentException(describe() + ": expecting key_padding_mask shape of "
                    + Shape.format(new int[] {n, s}) + ", but got " + Shape.format(padding.shape()));
        }
        return Attention.additive(padding, true, dtype).view(n, 1, 1, s);
    }

    /** A mask with one more key, not masked (PyTorch's pad(mask, (0, 1))); null stays null. */
    private static Tensor padLastWithZero(Tensor mask) {
        if (mask == null) {
            return null;
        }
        int[] shape = mask.shape();
        shape[shape.length - 1] = 1;
        return Tensor.cat(List.of(mask, Tensor.zeros(mask.dtype(), mask.device(), shape)), -1);
    }

    private void checkRanks(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean batched) {
        int rank = batched ? 3 : 2;
        if ((query.dim() != 2 && query.dim() != 3) || key.dim() != rank || value.dim() != rank) {
            throw new IllegalArgumentException(describe() + ": expected query, key and value of rank 3 (batched) or 2"
                    + " (unbatched), got query " + Shape.format(query.shape()) + ", key " + Shape.format(key.shape())
                    + ", value " + Shape.format(value.shape()));
        }
        if (keyPaddingMask != null && keyPaddingMask.dim() != rank - 1) {
            throw new IllegalArgumentException(describe() + ": for " + (batched ? "batched (3-D)" : "unbatched (2-D)")
                    + " query, expected key_padding_mask of rank " + (rank - 1) + ", got "
                    + Shape.format(keyPaddingMask.shape()));
        }
    }

    /** q [L, N, E], k [S, N, kdim], v [S, N, vdim]. */
    private void checkShapes(Tensor q, Tensor k, Tensor v) {
        if (q.size(2) != embedDim) {
            throw new IllegalArgumentException(describe() + ": was expecting embedding dimension of " + embedDim
                    + ", but got " + q.size(2) + " (query " + Shape.format(q.shape()) + ")");
        }
        if (k.size(0) != v.size(0) || k.size(1) != v.size(1)) {
            throw new IllegalArgumentException(describe() + ": key shape " + Shape.format(k.shape())
                    + " does not match value shape " + Shape.format(v.shape()));
        }
        if (k.size(1) != q.size(1)) {
            throw new IllegalArgumentException(describe() + ": query and key have different batch sizes, query "
                    + Shape.format(q.shape()) + " and key " + Shape.format(k.shape()));
        }
        if (k.size(2) != kdim || v.size(2) != vdim) {
            throw new IllegalArgumentException(describe() + ": expected key features " + kdim + " and value features "
                    + vdim + ", got key " + Shape.format(k.shape()) + " and value " + Shape.format(v.shape()));
        }
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + ", dropout=" + dropout + ", batch_first="
                + Repr.bool(batchFirst);
    }
}
