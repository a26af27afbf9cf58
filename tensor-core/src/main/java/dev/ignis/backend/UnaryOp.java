package dev.ignis.backend;

/**
 * Elementwise functions of one operand with up to two scalar parameters {@code p} and
 * {@code q}. {@link #apply} is the reference definition every backend is tested against; it is
 * evaluated in double precision and rounded to the tensor's type, which for float32 gives the same
 * result as float arithmetic for the basic operations.
 */
public enum UnaryOp {
    NEG { public double apply(double x, double p, double q) { return -x; } },
    ABS { public double apply(double x, double p, double q) { return Math.abs(x); } },
    SIGN { public double apply(double x, double p, double q) { return Math.signum(x); } },
    EXP { public double apply(double x, double p, double q) { return Math.exp(x); } },
    LOG { public double apply(double x, double p, double q) { return Math.log(x); } },
    SQRT { public double apply(double x, double p, double q) { return Math.sqrt(x); } },
    RSQRT { public double apply(double x, double p, double q) { return 1.0 / Math.sqrt(x); } },
    /** x^p for a scalar exponent p. */
    POW_SCALAR { public double apply(double x, double p, double q) { return Math.pow(x, p); } },
    /** x * p. */
    MUL_SCALAR { public double apply(double x, double p, double q) { return x * p; } },
    /** min(max(x, p), q); NaN bounds mean "no bound". NaN inputs stay NaN. */
    CLAMP {
        public double apply(double x, double p, double q) {
            if (Double.isNaN(x)) {
                return x;
            }
            double y = Double.isNaN(p) ? x : Math.max(x, p);
            return Double.isNaN(q) ? y : Math.min(y, q);
        }
    },
    RELU { public double apply(double x, double p, double q) { return x > 0 || Double.isNaN(x) ? x : 0.0; } },
    /** x if x > 0 else p·x. */
    LEAKY_RELU { public double apply(double x, double p, double q) { return x > 0 ? x : p * x; } },
    SIGMOID { public double apply(double x, double p, double q) { return 1.0 / (1.0 + Math.exp(-x)); } },
    TANH { public double apply(double x, double p, double q) { return Math.tanh(x); } },
    /** x·Φ(x), Φ the standard normal CDF. */
    GELU { public double apply(double x, double p, double q) { return 0.5 * x * (1.0 + Erf.erf(x / Math.sqrt(2.0))); } },
    /** dGELU/dx = Φ(x) + x·φ(x). */
    GELU_GRAD {
        public double apply(double x, double p, double q) {
            return 0.5 * (1.0 + Erf.erf(x / Math.sqrt(2.0))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2.0 * Math.PI);
        }
    },
    /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    GELU_TANH {
        public double apply(double x, double p, double q) {
            return 0.5 * x * (1.0 + Math.tanh(GELU_K * (x + 0.044715 * x * x * x)));
        }
    },
    GELU_TANH_GRAD {
        public double apply(double x, double p, double q) {
            double t = Math.tanh(GELU_K * (x + 0.044715 * x * x * x));
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_K * (1.0 + 3 * 0.044715 * x * x);
        }
    },
    /** x·σ(x). */
    SILU { public double apply(double x, double p, double q) { return x / (1.0 + Math.exp(-x)); } },
    SILU_GRAD {
        public double apply(double x, double p, double q) {
            double s = 1.0 / (1.0 + Math.exp(-x));
            return s * (1.0 + x * (1.0 - s));
        }
    },
    /** log(1 + e^(p·x))/p, or x where p·x > q (p = beta, q = threshold). */
    SOFTPLUS {
        public double apply(double x, double p, double q) {
            return p * x > q ? x : Math.log1p(Math.exp(p * x)) / p;
        }
    },
    SOFTPLUS_GRAD {
        public double apply(double x, double p, double q) {
            return p * x > q ? 1.0 : 1.0 / (1.0 + Math.exp(-p * x));
        }
    },
    /** x if x > 0 else p·(e^x − 1) (p = alpha). */
    ELU { public double apply(double x, double p, double q) { return x > 0 ? x : p * Math.expm1(x); } },
    ELU_GRAD { public double apply(double x, double p, double q) { return x > 0 ? 1.0 : p * Math.exp(x); } },
    LOGICAL_NOT { public double apply(double x, double p, double q) { return x == 0 ? 1.0 : 0.0; } };

    private static final double GELU_K = Math.sqrt(2.0 / Math.PI);

    /** The function's value at {@code x} with parameters {@code p}, {@code q}. */
    public abstract double apply(double x, double p, double q);
}
