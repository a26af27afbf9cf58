package dev.ignis.tensor;

import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.kernels.LogSoftmaxKernels;

/** Activation functions, softmax and dropout, each op's forward next to its backward. */
final class Activations {
    private Activations() {
    }

    /** f(x) computed by {@code op}; df/dx computed by the kernel {@code derivative} at the saved input. */
    private static Tensor withDerivative(String node, UnaryOp op, UnaryOp derivative, Tensor x, double p, double q) {
        Tensor out = Pointwise.unaryKernel(op, x, p, q);
        return Autograd.record(node, out, Autograd.of(x), Autograd.of(x),
                (g, ctx) -> new Tensor[] {g.mul(Pointwise.unaryKernel(derivative, ctx.saved(0), p, q))});
    }

    /** max(x, 0); d/dx = [y > 0]. */
    static Tensor relu(Tensor x) {
        Tensor out = Pointwise.unaryKernel(UnaryOp.RELU, x, 0, 0);
        return Autograd.record("ReluBackward0", out, Autograd.of(x), Autograd.of(out),
                (g, ctx) -> new Tensor[] {Pointwise.binaryKernel("relu_backward", BinaryOp.MASK_POSITIVE, g, ctx.saved(0))});
    }

    /** x if x > 0 else slope·x; d/dx = 1 or slope. */
    static Tensor leakyRelu(Tensor x, double slope) {
        Tensor out = Pointwise.unaryKernel(UnaryOp.LEAKY_RELU, x, slope, 0);
        return Autograd.record("LeakyReluBackward0", out, Autograd.of(x), Autograd.of(x),
                (g, ctx) -> new Tensor[] {Tensor.where(ctx.saved(0).gt(0.0), g, g.mul(slope))});
    }

    /** σ(x) = 1/(1+e^−x); d/dx = y(1−y). */
    static Tensor sigmoid(Tensor x) {
        Tensor out = Pointwise.unaryKernel(UnaryOp.SIGMOID, x, 0, 0);
        return Autograd.record("SigmoidBackward0", out, Autograd.of(x), Autograd.of(out), (g, ctx) -> {
            Tensor y = ctx.saved(0);
            return new Tensor[] {g.mul(y).mul(y.neg().add(1.0))};
        });
    }

    /** tanh x; d/dx = 1 − y². */
    static Tensor tanh(Tensor x) {
        Tensor out = Pointwise.unaryKernel(UnaryOp.TANH, x, 0, 0);
        return Autograd.record("TanhBackward0", out, Autograd.of(x), Autograd.of(out), (g, ctx) -> {
            Tensor y = ctx.saved(0);
            return new Tensor[] {g.mul(y.mul(y).neg().add(1.0))};
        });
    }

    static Tensor gelu(Tensor x, String approximate) {
        return switch (approximate) {
            case "none" -> withDerivative("GeluBackward0", UnaryOp.GELU, UnaryOp.GELU_GRAD, x, 0, 0);
            case "tanh" -> withDerivative("GeluBackward0", UnaryOp.GELU_TANH, UnaryOp.GELU_TANH_GRAD, x, 0, 0);
            default -> throw new IllegalArgumentException("gelu: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        };
    }

    static Tensor silu(Tensor x) {
        return withDerivative("SiluBackward0", UnaryOp.SILU, UnaryOp.SILU_GRAD, x, 0, 0);
    }

    static Tensor softplus(Tensor x, double beta, double threshold) {
        return withDerivative("SoftplusBackward0", UnaryOp.SOFTPLUS, UnaryOp.SOFTPLUS_GRAD, x, beta, threshold);
    }

    static Tensor elu(Tensor x, double alpha) {
        return withDerivative("EluBackward0", UnaryOp.ELU, UnaryOp.ELU_GRAD, x, alpha, 0);
    }

    /**
     * softmax(x)_i = e^(x_i − m) / Σ_j e^(x_j − m) along dim (m the max, for stability);
     * backward: y ⊙ (g − Σ g⊙y).
     */
    static Tensor softmax(Tensor x, int dim) {
        int d = Shape.normalizeDim("softmax", dim, x.dim());
        Tensor out;
        try (var ignored = dev.ignis.autograd.GradMode.noGrad()) {
            Tensor e = x.sub(x.max(d, true).values()).exp();
            out = e.div(e.sum(d, true));
        }
        return Autograd.record("SoftmaxBackward0", out, Autograd.of(x), Autograd.of(out), (g, ctx) -> {
            Tensor y = ctx.saved(0);
            return new Tensor[] {y.mul(g.sub(g.mul(y).sum(d, true)))};
        });
    }

    /** log softmax = x − m − log Σ e^(x − m); backward: g − e^y · Σ g. */
    static Tensor logSoftmax(Tensor x, int dim) {
        int d = Shape.normalizeDim("log_softmax", dim, x.dim());
        if (x.numel() == 0) {
            return Autograd.record("LogSoftmaxBackward0", Tensor.zerosLike(x), x, (g, ctx) -> new Tensor[] {g});
        }
        if (x.dim() > 0 && d != x.dim() - 1) {
            // the kernels work along rows: the same op over the last dim, moved back
            return logSoftmax(x.transpose(d, -1), -1).transpose(d, -1).contiguous();
        }
        Tensor xc = x.contiguous().detach();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Kernels.of(LogSoftmaxKernels.FORWARD, x).run(x.backend(), asRows(xc).asView(), asRows(out).asView());
        return Autograd.record("LogSoftmaxBackward0", out, Autograd.of(x), Autograd.of(out), (g, ctx) -> {
            Tensor y = ctx.saved(0);
            Tensor gc = g.contiguous();
            Tensor gi = Tensor.zeros(g.dtype(), g.device(), g.shape());
            Kernels.of(LogSoftmaxKernels.BACKWARD, gc).run(gc.backend(), asRows(gc).asView(), asRows(y).asView(),
                    asRows(gi).asView());
            return new Tensor[] {gi};
        });
    }

    /** A contiguous tensor as [rows, last dim] (a 0-D or 1-D one is a single row). */
    private static Tensor asRows(Tensor t) {
        int n = t.dim() == 0 ? 1 : t.size(-1);
        return t.viewOf(new int[] {t.numel() / n, n}, new int[] {n, 1}, t.offset());
    }

    /** Keeps each element with probability 1−p, scaled by 1/(1−p); the same mask scales the gradient. */
    static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0.0);
        }
        Tensor keep = Tensor.rand(gen, x.device(), x.shape()).lt(1 - p).to(x.dtype()).div(1 - p);
        return x.mul(keep);
    }
}
