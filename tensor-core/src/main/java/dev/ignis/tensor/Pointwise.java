package dev.ignis.tensor;

import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;

/**
 * Elementwise arithmetic with broadcasting, each op's forward next to its backward. Gradients of
 * broadcast operands are summed back to the operand's shape ({@link #sumTo}).
 */
final class Pointwise {
    private Pointwise() {
    }

    // ------------------------------------------------------------ kernels without autograd

    /** Runs a binary kernel: promotes dtypes, broadcasts, allocates the result. Not recorded. */
    static Tensor binaryKernel(String name, BinaryOp op, Tensor a, Tensor b) {
        checkSameDevice(name, a, b);
        int[] shape = Shape.broadcast(name, a.shape(), b.shape());
        DType type = DType.promote(a.dtype(), b.dtype());
        if (op == BinaryOp.DIV && !type.isFloatingPoint()) {
            type = DType.FLOAT32;
        }
        DType outType = op.boolResult() ? DType.BOOL : type;
        Tensor out = Tensor.zeros(outType, a.device(), shape);
        a.backend().binary(op, Views.expandRaw(castRaw(a, type), shape).asView(),
                Views.expandRaw(castRaw(b, type), shape).asView(), out.asView());
        return out;
    }

    /** Runs a unary kernel into a new tensor of x's dtype (float32 for integer inputs of float functions). */
    static Tensor unaryKernel(UnaryOp op, Tensor x, double p, double q) {
        Tensor in = x.dtype().isFloatingPoint() || op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.SIGN
                || op == UnaryOp.CLAMP || op == UnaryOp.LOGICAL_NOT ? x : castRaw(x, DType.FLOAT32);
        Tensor out = Tensor.zeros(op == UnaryOp.LOGICAL_NOT ? DType.BOOL : in.dtype(), x.device(), x.shape());
        x.backend().unary(op, in.asView(), p, q, out.asView());
        return out;
    }

    /** A dtype conversion that is not recorded. */
    static Tensor castRaw(Tensor x, DType type) {
        if (x.dtype() == type) {
            return x;
        }
        Tensor out = Tensor.zeros(type, x.device(), x.shape());
        x.backend().copy(x.asView(), out.asView());
        return out;
    }

    static void checkSameDevice(String name, Tensor a, Tensor b) {
        Kernels.checkSameDevice(name, a, b);
    }

    /** A 0-dim tensor holding {@code s}, typed so that {@code like op s} keeps like's dtype where PyTorch does. */
    static Tensor scalarLike(double s, Tensor like) {
        DType type = like.dtype().isFloatingPoint() ? like.dtype()
                : (s == Math.rint(s) && !Double.isInfinite(s) ? DType.INT64 : DType.FLOAT32);
        return Tensor.full(s, type, like.device());
    }

    /** Sums {@code g} over the dimensions along which a tensor of {@code shape} was broadcast. */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        int[] dims = new int[gs.length];
        int count = 0;
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) {
                dims[count++] = d;
            }
        }
        Tensor s = count == 0 ? g : g.sum(java.util.Arrays.copyOf(dims, count), true);
        return s.reshape(shape);
    }

    // ------------------------------------------------------------ arithmetic

    static Tensor add(Tensor a, Tensor b) {
        Tensor out = binaryKernel("add", BinaryOp.ADD, a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        return Autograd.record("AddBackward0", out, Autograd.of(a, b), null,
                (g, ctx) -> new Tensor[] {sumTo(g, as), sumTo(g, bs)});
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binaryKernel("sub", BinaryOp.SUB, a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        return Autograd.record("SubBackward0", out, Autograd.of(a, b), null,
                (g, ctx) -> new Tensor[] {sumTo(g, as), ctx.needsGrad(1) ? sumTo(g.neg(), bs) : null});
    }

    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binaryKernel("mul", BinaryOp.MUL, a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        return Autograd.record("MulBackward0", out, Autograd.of(a, b), Autograd.of(a, b), (g, ctx) -> new Tensor[] {
            ctx.needsGrad(0) ? sumTo(g.mul(ctx.saved(1)), as) : null,
            ctx.needsGrad(1) ? sumTo(g.mul(ctx.saved(0)), bs) : null});
    }

    /** a / b; d/da = 1/b, d/db = −a/b². */
    static Tensor div(Tensor a, Tensor b) {
        Tensor out = binaryKernel("div", BinaryOp.DIV, a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        return Autograd.record("DivBackward0", out, Autograd.of(a, b), Autograd.of(a, b), (g, ctx) -> new Tensor[] {
            ctx.needsGrad(0) ? sumTo(g.div(ctx.saved(1)), as) : null,
            ctx.needsGrad(1) ? sumTo(g.mul(ctx.saved(0)).div(ctx.saved(1).mul(ctx.saved(1))).neg(), bs) : null});
    }

    static Tensor neg(Tensor x) {
        Tensor out = unaryKernel(UnaryOp.NEG, x, 0, 0);
        return Autograd.record("NegBackward0", out, x, (g, ctx) -> new Tensor[] {g.neg()});
    }

    /** x^p; d/dx = p·x^(p−1). */
    static Tensor pow(Tensor x, double p) {
        // a square as one multiply (the same float as Math.pow's, at a fraction of its cost)
        Tensor out = p == 2 && x.dtype().isFloatingPoint() ? binaryKernel("pow", BinaryOp.MUL, x, x)
                : unaryKernel(UnaryOp.POW_SCALAR, x, p, 0);
        return Autograd.record("PowBackward0", out, Autograd.of(x), Autograd.of(x),
                (g, ctx) -> new Tensor[] {powGradient(g, ctx.saved(0), p)});
    }

    /** g·p·x^(p−1), with x^1 and x^0 not computed through pow (a square's backward is two multiplies). */
    private static Tensor powGradient(Tensor g, Tensor x, double p) {
        if (p == 0) {
            return g.mul(0.0);
        }
        if (p == 1) {
            return g.mul(1.0);
        }
        return g.mul(p == 2 ? x.mul(2.0) : x.pow(p - 1).mul(p));
    }

    /** a^b; d/da = b·a^(b−1), d/db = a^b·ln a (0 where a = 0 and b ≥ 0, as PyTorch masks it). */
    static Tensor pow(Tensor a, Tensor b) {
        Tensor out = binaryKernel("pow", BinaryOp.POW, a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        return Autograd.record("PowBackward1", out, Autograd.of(a, b), Autograd.of(a, b, out), (g, ctx) -> {
            Tensor x = ctx.saved(0);
            Tensor e = ctx.saved(1);
            Tensor ga = ctx.needsGrad(0) ? sumTo(g.mul(e).mul(x.pow(e.sub(1.0))), as) : null;
            Tensor gb = null;
            if (ctx.needsGrad(1)) {
                Tensor raw = g.mul(ctx.saved(2)).mul(x.log());
                Tensor masked = where(x.eq(0.0).logicalAnd(e.ge(0.0)), Tensor.zerosLike(raw), raw);
                gb = sumTo(masked, bs);
            }
            return new Tensor[] {ga, gb};
        });
    }

    /** e^x; d/dx = e^x (the saved output). */
    static Tensor exp(Tensor x) {
        Tensor out = unaryKernel(UnaryOp.EXP, x, 0, 0);
        return Autograd.record("ExpBackward0", out, Autograd.of(x), Autograd.of(out),
                (g, ctx) -> new Tensor[] {g.mul(ctx.saved(0))});
    }

    /** ln x; d/dx = 1/x. */
    static Tensor log(Tensor x) {
        Tensor out = unaryKernel(UnaryOp.LOG, x, 0, 0);
        return Autograd.record("LogBackward0", out, Autograd.of(x), Autograd.of(x),
                (g, ctx) -> new Tensor[] {g.div(ctx.saved(0))});
    }

    /** √x; d/dx = 1/(2√x). */
    static Tensor sqrt(Tensor x) {
        Tensor out = unaryKernel(UnaryOp.SQRT, x, 0, 0);
        return Autograd.record("SqrtBackward0", out, Autograd.of(x), Autograd.of(out),
                (g, ctx) -> new Tensor[] {g.div(ctx.saved(0).mul(2.0))});
    }

    /** 1/√x; d/dx = −½·x^(−3/2) = −½·y³. */
    static Tensor rsqrt(Tensor x) {
        Tensor out = unaryKernel(UnaryOp.RSQRT, x, 0, 0);
        return Autograd.record("RsqrtBackward0", out, Autograd.of(x), Autograd.of(out),
                (g, ctx) -> new Tensor[] {g.mul(ctx.saved(0).pow(3)).mul(-0.5)});
    }

    /** |x|; d/dx = sign(x) (0 at 0). */
    static Tensor abs(Tensor x) {
        Tensor out = unaryKernel(UnaryOp.ABS, x, 0, 0);
        return Autograd.record("AbsBackward0", out, Autograd.of(x), Autograd.of(x),
                (g, ctx) -> new Tensor[] {g.mul(ctx.saved(0).sign())});
    }

    /** sign(x); its gradient is zero everywhere. */
    static Tensor sign(Tensor x) {
        Tensor out = unaryKernel(UnaryOp.SIGN, x, 0, 0);
        return Autograd.record("SignBackward0", out, x, (g, ctx) -> new Tensor[] {g.mul(0.0)});
    }

    /** min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi. */
    static Tensor clamp(Tensor x, double lo, double hi) {
        Tensor out = unaryKernel(UnaryOp.CLAMP, x, lo, hi);
        return Autograd.record("ClampBackward1", out, Autograd.of(x), Autograd.of(x), (g, ctx) -> {
            Tensor in = ctx.saved(0);
            Tensor pass = Tensor.onesLike(in).to(DType.BOOL);
            if (!Double.isNaN(lo)) {
                pass = pass.logicalAnd(in.ge(lo));
            }
            if (!Double.isNaN(hi)) {
                pass = pass.logicalAnd(in.le(Tensor.full(hi, in.dtype(), in.device())));
            }
            return new Tensor[] {g.mul(pass.to(g.dtype()))};
        });
    }

    /** Elementwise max; where equal, each side gets half the gradient (as PyTorch). */
    static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", BinaryOp.MAXIMUM, BinaryOp.GT, a, b);
    }

    static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", BinaryOp.MINIMUM, BinaryOp.LT, a, b);
    }

    private static Tensor extremum(String name, BinaryOp op, BinaryOp wins, Tensor a, Tensor b) {
        Tensor out = binaryKernel(name, op, a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        String node = name.equals("maximum") ? "MaximumBackward0" : "MinimumBackward0";
        return Autograd.record(node, out, Autograd.of(a, b), Autograd.of(a, b), (g, ctx) -> {
            Tensor x = ctx.saved(0);
            Tensor y = ctx.saved(1);
            Tensor share = binaryKernel(name, wins, x, y).to(g.dtype())
                    .add(binaryKernel(name, BinaryOp.EQ, x, y).to(g.dtype()).mul(0.5));
            return new Tensor[] {sumTo(g.mul(share), as), sumTo(g.mul(share.neg().add(1.0)), bs)};
        });
    }

    // ------------------------------------------------------------ comparisons, selection, casts

    /** A comparison or logical op; BOOL result, never recorded. */
    static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        return binaryKernel(op.name().toLowerCase(java.util.Locale.ROOT), op, a, b);
    }

    static Tensor logicalNot(Tensor x) {
        return unaryKernel(UnaryOp.LOGICAL_NOT, x, 0, 0);
    }

    /** cond ? a : b; the gradient goes to the side that was chosen. */
    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        checkSameDevice("where", cond, a);
        checkSameDevice("where", a, b);
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        DType type = DType.promote(a.dtype(), b.dtype());
        Tensor out = Tensor.zeros(type, a.device(), shape);
        a.backend().where(Views.expandRaw(castRaw(cond, DType.BOOL), shape).asView(),
                Views.expandRaw(castRaw(a, type), shape).asView(), Views.expandRaw(castRaw(b, type), shape).asView(),
                out.asView());
        int[] as = a.shape();
        int[] bs = b.shape();
        return Autograd.record("WhereBackward0", out, Autograd.of(a, b), Autograd.of(cond), (g, ctx) -> {
            Tensor c = ctx.saved(0);
            Tensor zero = Tensor.zerosLike(g);
            return new Tensor[] {
                ctx.needsGrad(0) ? sumTo(where(c, g, zero), as) : null,
                ctx.needsGrad(1) ? sumTo(where(c, zero, g), bs) : null};
        });
    }

    /** Dtype conversion; gradients convert back (floating types only). */
    static Tensor cast(Tensor x, DType type) {
        Tensor out = castRaw(x, type);
        if (!type.isFloatingPoint()) {
            return out;
        }
        DType from = x.dtype();
        return Autograd.record("ToCopyBackward0", out, x, (g, ctx) -> new Tensor[] {g.to(from)});
    }
}
