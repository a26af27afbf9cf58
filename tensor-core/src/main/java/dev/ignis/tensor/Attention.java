package dev.ignis.tensor;

import dev.ignis.backend.kernels.AttentionKernels;
import java.util.Arrays;

/**
 * Scaled dot-product attention as one op with its own backward (PyTorch's
 * {@code scaled_dot_product_attention}), run by the {@link AttentionKernels} of the tensors'
 * device:
 * <pre>
 *   out = dropout(softmax(scale · Q·Kᵀ + M)) · V
 * </pre>
 * computed per (batch, head) block; masks broadcast over the leading dimensions are read in
 * place, and only the weights P (the softmax, [B, L, S]) and the dropout scale are kept for the
 * backward. The mask is not differentiated.
 */
public final class Attention {
    private static final String OP = "scaled_dot_product_attention";

    private Attention() {
    }

    /**
     * @param q         [..., L, E] queries
     * @param k         [..., S, E] keys (the same leading dimensions as q)
     * @param v         [..., S, Ev] values (the same leading dimensions as q)
     * @param attnMask  null, or broadcastable to [..., L, S]: bool (true = take part in attention,
     *                  false = masked out) or floating (added to the scores)
     * @param dropoutP  the probability of zeroing an attention weight (applied whenever > 0, as in PyTorch)
     * @param isCausal  mask out every key after the query's position (j > i); not with attnMask
     * @param scale     the factor on Q·Kᵀ, or null for 1/√E
     * @param gen       draws the dropout mask
     * @return [..., L, Ev]
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor attnMask, double dropoutP,
                                          boolean isCausal, Double scale, Generator gen) {
        checkOperands(q, k, v);
        if (dropoutP < 0 || dropoutP > 1) {
            throw new IllegalArgumentException(OP + ": dropout probability has to be between 0 and 1, but got "
                    + dropoutP);
        }
        if (isCausal && attnMask != null) {
            throw new IllegalArgumentException(OP + ": explicit attn_mask should not be set when is_causal=True");
        }
        Kernels.checkSameDevice(OP, q, k, v, attnMask);
        int rank = q.dim();
        int l = q.size(-2);
        int s = k.size(-2);
        int e = q.size(-1);
        int ev = v.size(-1);
        int[] lead = Arrays.copyOf(q.shape(), rank - 2);
        int heads = lead.length == 0 ? 1 : lead[lead.length - 1];
        int batch = Shape.numel(lead) / Math.max(heads, 1);
        int blocks = batch * heads;
        Tensor mask = isCausal ? causalMask(l, s, q.dtype(), q.device())
                : attnMask == null ? null : additive(attnMask, false, q.dtype());
        Tensor mask4 = mask == null ? null : blockMask(mask, lead, l, s, batch, heads);
        Tensor q3 = q.detach().reshape(blocks, l, e);
        Tensor k3 = k.detach().reshape(blocks, s, e);
        Tensor v3 = v.detach().reshape(blocks, s, ev);
        Tensor drop = dropoutP > 0
                ? Tensor.rand(gen, q.device(), blocks, l, s).lt(1 - dropoutP).to(q.dtype()).div(1 - dropoutP) : null;
        double sc = scale == null ? 1.0 / Math.sqrt(e) : scale;
        Tensor weights = Tensor.zeros(q.dtype(), q.device(), blocks, l, s);
        Tensor out = Tensor.zeros(q.dtype(), q.device(), blocks, l, ev);
        Kernels.of(AttentionKernels.FORWARD, q).run(q.backend(), q3.asView(), k3.asView(), v3.asView(),
                mask4 == null ? null : mask4.asView(), drop == null ? null : drop.asView(), sc, weights.asView(),
                out.asView());
        int[] outShape = Arrays.copyOf(q.shape(), rank);
        outShape[rank - 1] = ev;
        Tensor result = out.view(outShape);
        return Autograd.record("ScaledDotProductAttentionBackward0", result, Autograd.of(q, k, v), null, (g, ctx) -> {
            Tensor go = g.contiguous().reshape(blocks, l, ev);
            Tensor gq = Tensor.zeros(q.dtype(), q.device(), blocks, l, e);
            Tensor gk = Tensor.zeros(q.dtype(), q.device(), blocks, s, e);
            Tensor gv = Tensor.zeros(q.dtype(), q.device(), blocks, s, ev);
            Kernels.of(AttentionKernels.BACKWARD, q).run(q.backend(), go.asView(), q3.asView(), k3.asView(),
                    v3.asView(), weights.asView(), drop == null ? null : drop.asView(), sc, gq.asView(), gk.asView(),
                    gv.asView());
            return new Tensor[] {gq.view(q.shape()), gk.view(k.shape()), gv.view(v.shape())};
        });
    }

    /**
     * A mask as the float32-or-q-dtype tensor added to attention scores: a floating mask as it is
     * (converted to {@code dtype}); a bool mask as 0 where it lets attention through and −∞ where
     * it masks. {@code trueMasks} chooses the convention: true for nn.MultiheadAttention's (true =
     * masked), false for scaled_dot_product_attention's (true = attend).
     */
    public static Tensor additive(Tensor mask, boolean trueMasks, DType dtype) {
        if (mask.dtype() == DType.BOOL) {
            Tensor masked = trueMasks ? mask : mask.logicalNot();
            Tensor minusInf = Tensor.full(Double.NEGATIVE_INFINITY, dtype, mask.device());
            return Tensor.where(masked, minusInf, Tensor.zeros(dtype, mask.device()));
        }
        if (!mask.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("attention: expected a bool or floating mask, got " + mask.dtype());
        }
        return mask.dtype() == dtype ? mask : mask.to(dtype);
    }

    /** The causal mask [L, S]: 0 where key j ≤ query i, −∞ above the diagonal. */
    public static Tensor causalMask(int l, int s, DType dtype, Device device) {
        Tensor rows = Tensor.arange(l).reshape(l, 1);
        Tensor cols = Tensor.arange(s).reshape(1, s);
        Tensor above = cols.gt(rows);
        Tensor mask = Tensor.where(above, Tensor.full(Double.NEGATIVE_INFINITY, dtype, Device.CPU),
                Tensor.zeros(dtype, Device.CPU));
        return device.isCpu() ? mask : mask.to(device);
    }

    /** The mask broadcast to [..., L, S] and seen as [N, H, L, S] (stride 0 where it broadcasts). */
    private static Tensor blockMask(Tensor mask, int[] lead, int l, int s, int batch, int heads) {
        int[] target = Arrays.copyOf(lead, lead.length + 2);
        target[lead.length] = l;
        target[lead.length + 1] = s;
        if (!broadcastsTo(mask.shape(), target)) {
            throw new IllegalArgumentException(OP + ": attn_mask of shape " + Shape.format(mask.shape())
                    + " cannot be broadcast to the attention scores' shape " + Shape.format(target));
        }
        Tensor full = mask.expand(target);
        if (lead.length == 2) {
            return full;
        }
        // other ranks: batch·heads folded (a view where the strides allow, else a copy)
        return full.reshape(batch, heads, l, s);
    }

    /** Whether {@code shape} broadcasts to {@code target} (trailing alignment, sizes equal or 1). */
    private static boolean broadcastsTo(int[] shape, int[] target) {
        if (shape.length > target.length) {
            return false;
        }
        for (int i = 1; i <= shape.length; i++) {
            int d = shape[shape.length - i];
            if (d != 1 && d != target[target.length - i]) {
                return false;
            }
        }
        return true;
    }

    private static void checkOperands(Tensor q, Tensor k, Tensor v) {
        if (q.dim() < 2 || k.dim() != q.dim() || v.dim() != q.dim()) {
            throw new IllegalArgumentException(OP + ": expected query, key and value of the same rank (at least 2),"
                    + " got query " + Shape.format(q.shape()) + ", key " + Shape.format(k.shape()) + ", value "
                    + Shape.format(v.shape()));
        }
        int rank = q.dim();
        boolean sameLead = Arrays.equals(Arrays.copyOf(q.shape(), rank - 2), Arrays.copyOf(k.shape(), rank - 2))
                && Arrays.equals(Arrays.copyOf(q.shape(), rank - 2), Arrays.copyOf(v.shape(), rank - 2));
        if (!sameLead || k.size(-1) != q.size(-1) || k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException(OP + ": expected query [..., L, E], key [..., S, E] and value"
                    + " [..., S, Ev] with the same leading dimensions, got query " + Shape.format(q.shape())
                    + ", key " + Shape.format(k.shape()) + ", value " + Shape.format(v.shape()));
        }
        if (q.dtype() != k.dtype() || q.dtype() != v.dtype() || !q.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(OP + ": expected query, key and value of one floating dtype, got "
                    + q.dtype() + ", " + k.dtype() + " and " + v.dtype());
        }
    }
}
