package dev.ignis.tensor;

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
        a.backend().bmm(a, c, out);
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
