package dev.ignis.tensor;

import dev.ignis.backend.BinaryOp;
import java.util.Arrays;

/** Matrix products. {@link #bmm} is the one recorded primitive; matmul is built from views and bmm. */
final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * out[b] = a[b]·c[b] for {@code a: [B, n, m]}, {@code c: [B, m, p]}; backward:
     * dA = G·Cᵀ, dC = Aᵀ·G (transposes are views, no copies).
     */
    static Tensor bmm(Tensor a, Tensor c) {
        if (a.dim() != 3 || c.dim() != 3) {
            throw new IllegalArgumentException("bmm: expected 3-D tensors, got " + Shape.format(a.shape()) + " and "
                    + Shape.format(c.shape()));
        }
        if (a.size(0) != c.size(0) || a.size(2) != c.size(1)) {
            throw new IllegalArgumentException("bmm: shapes " + Shape.format(a.shape()) + " and " + Shape.format(c.shape())
                    + " cannot be multiplied (batch " + a.size(0) + " vs " + c.size(0) + ", inner " + a.size(2) + " vs "
                    + c.size(1) + ")");
        }
        return product("BmmBackward0", a, c);
    }

    private static Tensor product(String node, Tensor a, Tensor c) {
        Pointwise.checkSameDevice("matmul", a, c);
        if (a.dtype() != c.dtype() || !a.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("matmul: expected both operands to have the same floating dtype, got "
                    + a.dtype() + " and " + c.dtype());
        }
        Tensor out = Tensor.zeros(a.dtype(), a.device(), a.size(0), a.size(1), c.size(2));
        a.backend().bmm(a.asView(), c.asView(), out.asView());
        return Autograd.record(node, out, Autograd.of(a, c), Autograd.of(a, c), (g, ctx) -> {
            Tensor x = ctx.saved(0);
            Tensor y = ctx.saved(1);
            return new Tensor[] {
                ctx.needsGrad(0) ? gradientInLayoutOf(x, g, y.transpose(1, 2)) : null,
                ctx.needsGrad(1) ? gradientInLayoutOf(y, x.transpose(1, 2), g) : null};
        });
    }

    /**
     * The product {@code left·right} laid out like {@code input}: when input is a transposed view
     * (column-major matrices, as {@code w.t()} in a linear layer) the product is computed as
     * (rightᵀ·leftᵀ)ᵀ, so that the gradient reaches the weight contiguous, with no transposing copy.
     */
    private static Tensor gradientInLayoutOf(Tensor input, Tensor left, Tensor right) {
        boolean columnMajor = input.size(1) > 1 && input.size(2) > 1 && input.stride(1) == 1 && input.stride(2) != 1;
        if (columnMajor) {
            return product("BmmBackward0", right.transpose(1, 2), left.transpose(1, 2)).transpose(1, 2);
        }
        return product("BmmBackward0", left, right);
    }

    /**
     * torch.nn.functional.linear: y = x·Wᵀ + b for x [*, in], W [out, in], b [out] or null; y is
     * [*, out]. A matrix x (or a contiguous x of more dimensions, its leading dimensions folded
     * into rows) takes one GEMM with Wᵀ read as a view, b added to every row in place, and one
     * recorded node (AddmmBackward0, MmBackward0 without b), whose backward computes only the
     * gradients needed: dx = G·W, dW = Gᵀ·x, db = G summed over the rows. Other inputs (a vector,
     * a strided x of more dimensions) take matmul and add. Same numbers either way.
     */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Kernels.checkSameDevice("linear", x, weight, bias);
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: weight must be 2-D [out_features, in_features], got "
                    + Shape.format(weight.shape()));
        }
        if (x.dim() == 0 || x.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException("linear: input " + Shape.format(x.shape()) + " has "
                    + (x.dim() == 0 ? 0 : x.size(-1)) + " features but weight " + Shape.format(weight.shape())
                    + " expects " + weight.size(1));
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException("linear: bias " + Shape.format(bias.shape()) + " does not match weight "
                    + Shape.format(weight.shape()) + " (expected [" + weight.size(0) + "])");
        }
        boolean fused = x.dim() >= 2 && (x.dim() == 2 || x.isContiguous()) && x.dtype().isFloatingPoint()
                && x.dtype() == weight.dtype() && (bias == null || bias.dtype() == x.dtype())
                && x.device().equals(weight.device()) && (bias == null || bias.device().equals(x.device()));
        if (!fused) {
            Tensor y = matmul(x, weight.t());
            return bias == null ? y : y.add(bias);
        }
        int in = weight.size(1);
        int outFeatures = weight.size(0);
        int rows = Shape.numel(Arrays.copyOf(x.shape(), x.dim() - 1));
        Tensor x2 = x.dim() == 2 ? x : x.viewOf(new int[] {rows, in}, new int[] {in, 1}, x.offset());
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outFeatures;
        Tensor out = Tensor.zeros(x.dtype(), x.device(), outShape);
        Tensor out2 = out.viewOf(new int[] {rows, outFeatures}, new int[] {outFeatures, 1}, out.offset());
        x.backend().bmm(batchOfOne(x2).asView(), batchOfOne(weight.viewOf(new int[] {in, outFeatures},
                new int[] {weight.stride(1), weight.stride(0)}, weight.offset())).asView(), batchOfOne(out2).asView());
        if (bias != null) {
            x.backend().binary(BinaryOp.ADD, out2.asView(),
                    Views.expandRaw(bias, new int[] {rows, outFeatures}).asView(), out2.asView());
        }
        int[] inShape = x.shape();
        Tensor[] inputs = bias == null ? Autograd.of(x, weight) : Autograd.of(x, weight, bias);
        return Autograd.record(bias == null ? "MmBackward0" : "AddmmBackward0", out, inputs, Autograd.of(x2, weight),
                (g, ctx) -> {
                    Tensor g2 = g.reshape(rows, outFeatures);
                    Tensor gx = ctx.needsGrad(0) ? mm(g2, ctx.saved(1)).reshape(inShape) : null;
                    Tensor gw = ctx.needsGrad(1) ? mm(g2.t(), ctx.saved(0)) : null;
                    if (bias == null) {
                        return new Tensor[] {gx, gw};
                    }
                    return new Tensor[] {gx, gw, ctx.needsGrad(2) ? g2.sum(0, false) : null};
                });
    }

    /** [m, k]·[k, n] for matrices (any strides), unrecorded: for backward functions, which run without grad. */
    private static Tensor mm(Tensor a, Tensor b) {
        Tensor out = Tensor.zeros(a.dtype(), a.device(), a.size(0), b.size(1));
        a.backend().bmm(batchOfOne(a).asView(), batchOfOne(b).asView(), batchOfOne(out).asView());
        return out;
    }

    /** A matrix as a batch of one, [1, rows, cols], viewing the same elements. */
    private static Tensor batchOfOne(Tensor m) {
        return m.viewOf(new int[] {1, m.size(0), m.size(1)}, new int[] {m.size(0) * m.size(1), m.stride(0),
            m.stride(1)}, m.offset());
    }

    /**
     * torch.matmul. 1-D operands gain a dimension that is removed afterwards; batch dimensions
     * broadcast. A 2-D right operand is not copied per batch: the left operand's batch folds into
     * its rows.
     */
    static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.dim();
        int rb = b.dim();
        if (ra == 0 || rb == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got "
                    + Shape.format(a.shape()) + " and " + Shape.format(b.shape()));
        }
        Tensor a2 = ra == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = rb == 1 ? b.unsqueeze(1) : b;
        int m = a2.size(-2);
        int k = a2.size(-1);
        int n = b2.size(-1);
        if (b2.size(-2) != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.format(a.shape()) + " and " + Shape.format(b.shape())
                    + " cannot be multiplied (" + k + " != " + b2.size(-2) + ")");
        }
        int[] aBatch = Arrays.copyOf(a2.shape(), a2.dim() - 2);
        int[] bBatch = Arrays.copyOf(b2.shape(), b2.dim() - 2);
        int[] batch = Shape.broadcast("matmul", aBatch, bBatch);
        Tensor out;
        if (bBatch.length == 0) {
            Tensor rows = a2.reshape(1, -1, k);
            out = product("MmBackward0", rows, b2.unsqueeze(0));
        } else {
            int batches = Shape.numel(batch);
            Tensor a3 = a2.expand(concat(batch, m, k)).reshape(batches, m, k);
            Tensor b3 = b2.expand(concat(batch, k, n)).reshape(batches, k, n);
            out = product("BmmBackward0", a3, b3);
        }
        Tensor result = out.reshape(concat(batch, m, n));
        if (ra == 1) {
            result = result.squeeze(-2);
        }
        if (rb == 1) {
            result = result.squeeze(-1);
        }
        return result;
    }

    private static int[] concat(int[] batch, int x, int y) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = x;
        s[batch.length + 1] = y;
        return s;
    }
}
