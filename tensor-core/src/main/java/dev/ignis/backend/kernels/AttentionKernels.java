package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;

/**
 * Scaled dot-product attention as one op, per (batch, head) block B:
 * <pre>
 *   P[b]   = softmax_rows(scale · Q[b]·K[b]ᵀ + M[b])     (the attention weights)
 *   P'[b]  = P[b] ⊙ D[b]                                   (dropout: D is 0 or 1/(1−p))
 *   O[b]   = P'[b]·V[b]
 * </pre>
 * and its backward:
 * <pre>
 *   dV = P'ᵀ·dO,   dP = (dO·Vᵀ) ⊙ D,   dS = scale · P ⊙ (dP − rowsum(dP ⊙ P)),
 *   dQ = dS·K,     dK = dSᵀ·Q
 * </pre>
 * The products are the device's {@link Backend#bmm} (transposes are views); the row steps
 * (mask + softmax, and the softmax backward) are where devices differ: the reference composes
 * them from primitives, a device may pass fused loops ({@link RowSteps}). The mask M is read
 * through its strides as an [N, H, L, S] view with N·H = B, so a mask broadcast over batch or
 * heads (stride 0) is never copied.
 */
public final class AttentionKernels {
    private AttentionKernels() {
    }

    /**
     * Shapes: q [B, L, E], k [B, S, E], v [B, S, Ev] (any layout {@code bmm} takes); mask null or an
     * additive [N, H, L, S] view of q's dtype with N·H = B (any strides); dropScale null or [B, L, S]
     * contiguous. Writes weights [B, L, S] (P, contiguous) and out [B, L, Ev] (contiguous).
     */
    @FunctionalInterface
    public interface Forward {
        void run(Backend device, View q, View k, View v, View mask, View dropScale, double scale, View weights,
                 View out);
    }

    /**
     * gradOut [B, L, Ev]; q, k, v, dropScale and scale as in the forward; weights the forward's P.
     * Writes gq, gk, gv (contiguous, q's, k's and v's shapes).
     */
    @FunctionalInterface
    public interface Backward {
        void run(Backend device, View gradOut, View q, View k, View v, View weights, View dropScale, double scale,
                 View gq, View gk, View gv);
    }

    /** The two row steps of attention on [B·L, S] rows of contiguous [B, L, S] tensors. */
    public interface RowSteps {
        /** weights ← softmax_rows(scale · weights + mask) in place; mask null or [N, H, L, S] as in {@link Forward}. */
        void maskedSoftmax(Backend device, View weights, View mask, double scale);

        /**
         * grad ← scale · P ⊙ (dP − rowsum(dP ⊙ P)) in place, where dP = grad ⊙ dropScale (dropScale
         * null: no dropout) and P = weights.
         */
        void softmaxBackward(Backend device, View grad, View weights, View dropScale, double scale);
    }

    /** The row steps composed from primitives. */
    public static final RowSteps REFERENCE_ROWS = new RowSteps() {
        @Override
        public void maskedSoftmax(Backend device, View weights, View mask, double scale) {
            device.binary(BinaryOp.MUL, weights, Temp.scalar(device, weights.dtype(), weights, scale)
                    .expand(weights.shape()), weights);
            if (mask != null) {
                View w4 = weights.reshape(mask.shape());
                device.binary(BinaryOp.ADD, w4, mask, w4);
            }
            View rows = asRows(weights);
            View max = Temp.zeros(device, weights.dtype(), weights, rows.size(0));
            device.reduceRows(ReduceOp.MAX, rows, max, null);
            device.binary(BinaryOp.SUB, rows, Temp.perRow(max, rows.size(1)), rows);
            device.unary(UnaryOp.EXP, rows, 0, 0, rows);
            View sum = Temp.zeros(device, weights.dtype(), weights, rows.size(0));
            device.reduceRows(ReduceOp.SUM, rows, sum, null);
            device.binary(BinaryOp.DIV, rows, Temp.perRow(sum, rows.size(1)), rows);
        }

        @Override
        public void softmaxBackward(Backend device, View grad, View weights, View dropScale, double scale) {
            if (dropScale != null) {
                device.binary(BinaryOp.MUL, grad, dropScale, grad);
            }
            View rows = asRows(grad);
            View p = asRows(weights);
            View product = Temp.zeros(device, grad.dtype(), grad, rows.size(0), rows.size(1));
            device.binary(BinaryOp.MUL, rows, p, product);
            View sum = Temp.zeros(device, grad.dtype(), grad, rows.size(0));
            device.reduceRows(ReduceOp.SUM, product, sum, null);
            device.binary(BinaryOp.SUB, rows, Temp.perRow(sum, rows.size(1)), rows);
            device.binary(BinaryOp.MUL, rows, p, rows);
            device.binary(BinaryOp.MUL, rows, Temp.scalar(device, grad.dtype(), grad, scale).expand(rows.shape()),
                    rows);
        }
    };

    public static final KernelFamily<Forward> FORWARD = KernelFamily.of("scaled_dot_product_attention",
            Forward.class, (device, q, k, v, mask, drop, scale, weights, out) ->
                    forward(device, q, k, v, mask, drop, scale, weights, out, REFERENCE_ROWS));
    public static final KernelFamily<Backward> BACKWARD = KernelFamily.of("scaled_dot_product_attention_backward",
            Backward.class, (device, go, q, k, v, weights, drop, scale, gq, gk, gv) ->
                    backward(device, go, q, k, v, weights, drop, scale, gq, gk, gv, REFERENCE_ROWS));

    /** The forward with the given row steps (a device's fused ones, or {@link #REFERENCE_ROWS}). */
    public static void forward(Backend device, View q, View k, View v, View mask, View dropScale, double scale,
                               View weights, View out, RowSteps rows) {
        device.bmm(q, transposed(k), weights);
        rows.maskedSoftmax(device, weights, mask, scale);
        device.bmm(dropped(device, weights, dropScale), v, out);
    }

    /** The backward with the given row steps. */
    public static void backward(Backend device, View gradOut, View q, View k, View v, View weights, View dropScale,
                                double scale, View gq, View gk, View gv, RowSteps rows) {
        device.bmm(transposed(dropped(device, weights, dropScale)), gradOut, gv);
        View grad = Temp.zeros(device, weights.dtype(), weights, weights.shape());
        device.bmm(gradOut, transposed(v), grad);
        rows.softmaxBackward(device, grad, weights, dropScale, scale);
        device.bmm(grad, k, gq);
        device.bmm(transposed(grad), q, gk);
    }

    /** P' = P ⊙ D, or P itself without dropout. */
    private static View dropped(Backend device, View weights, View dropScale) {
        if (dropScale == null) {
            return weights;
        }
        View p = Temp.zeros(device, weights.dtype(), weights, weights.shape());
        device.binary(BinaryOp.MUL, weights, dropScale, p);
        return p;
    }

    /** [B, m, n] seen as [B, n, m]. */
    private static View transposed(View x) {
        return x.permute(0, 2, 1);
    }

    /** A contiguous [B, L, S] as [B·L, S]. */
    private static View asRows(View x) {
        int s = x.size(x.dim() - 1);
        return x.reshape(x.numel() / s, s);
    }
}
