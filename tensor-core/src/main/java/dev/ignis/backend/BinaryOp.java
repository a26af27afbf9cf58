package dev.ignis.backend;

/**
 * Elementwise functions of two operands. Comparisons and logical ops return 1 or 0 and produce
 * {@code BOOL} tensors; the others keep the (promoted) operand type. {@link #apply} is the
 * reference definition.
 */
public enum BinaryOp {
    ADD { public double apply(double a, double b) { return a + b; } },
    SUB { public double apply(double a, double b) { return a - b; } },
    MUL { public double apply(double a, double b) { return a * b; } },
    DIV { public double apply(double a, double b) { return a / b; } },
    POW { public double apply(double a, double b) { return Math.pow(a, b); } },
    /** NaN-propagating maximum, like torch.maximum. */
    MAXIMUM { public double apply(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b); } },
    MINIMUM { public double apply(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b); } },
    /**
     * 0 where b ≤ 0, else a: ReLU's backward (a the gradient, b the output), PyTorch's
     * threshold_backward, so a NaN output (which compares false) passes its gradient.
     */
    MASK_POSITIVE { public double apply(double a, double b) { return b <= 0 ? 0.0 : a; } },
    EQ(true) { public double apply(double a, double b) { return a == b ? 1 : 0; } },
    NE(true) { public double apply(double a, double b) { return a != b ? 1 : 0; } },
    LT(true) { public double apply(double a, double b) { return a < b ? 1 : 0; } },
    LE(true) { public double apply(double a, double b) { return a <= b ? 1 : 0; } },
    GT(true) { public double apply(double a, double b) { return a > b ? 1 : 0; } },
    GE(true) { public double apply(double a, double b) { return a >= b ? 1 : 0; } },
    LOGICAL_AND(true) { public double apply(double a, double b) { return a != 0 && b != 0 ? 1 : 0; } },
    LOGICAL_OR(true) { public double apply(double a, double b) { return a != 0 || b != 0 ? 1 : 0; } },
    LOGICAL_XOR(true) { public double apply(double a, double b) { return (a != 0) != (b != 0) ? 1 : 0; } };

    private final boolean boolResult;

    BinaryOp() {
        this(false);
    }

    BinaryOp(boolean boolResult) {
        this.boolResult = boolResult;
    }

    /** Whether the result is a {@code BOOL} tensor. */
    public boolean boolResult() {
        return boolResult;
    }

    public abstract double apply(double a, double b);
}
