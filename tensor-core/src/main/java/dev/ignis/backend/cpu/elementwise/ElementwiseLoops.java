package dev.ignis.backend.cpu.elementwise;

import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;

/**
 * The inner loops of the CPU's float32 (and int64) elementwise kernels over one row of a strided
 * walk. The common ops have their own loops so that no element pays for a virtual call.
 *
 * <p>Why the unit-stride loops index every array with the same variable: HotSpot 17's superword
 * pass vectorises a loop only when all its array accesses share one index expression. In
 * {@code y[o + j] = a[i + j] - c} with {@code i} and {@code o} two variables it cannot tell their
 * relative alignment and leaves the loop scalar, even when they are equal at run time (measured:
 * 7x slower over 784 floats, 3x for an add). Rows whose operands start at the same offset (every
 * fresh contiguous tensor, an in-place op) therefore take {@code y[j] = a[j] - c}; the others take
 * the strided loop, which is scalar either way.
 */
public final class ElementwiseLoops {
    private ElementwiseLoops() {
    }

    public static void unaryF32(UnaryOp op, double p, double q, float[] x, int i, int is, float[] y, int o, int os, int n) {
        if (is == 1 && os == 1 && i == o) {
            unaryF32SameIndex(op, p, q, x, y, o, o + n);
            return;
        }
        switch (op) {
            case MUL_SCALAR -> {
                float fp = (float) p;
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = x[i + j * is] * fp;
                }
            }
            case RELU -> {
                for (int j = 0; j < n; j++) {
                    float v = x[i + j * is];
                    y[o + j * os] = v > 0 || v != v ? v : 0f;
                }
            }
            case NEG -> {
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = -x[i + j * is];
                }
            }
            default -> {
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = (float) op.apply(x[i + j * is], p, q);
                }
            }
        }
    }

    /** {@code y[j] = op(x[j])} for j in [from, to): one index for both arrays, so that HotSpot vectorises it. */
    private static void unaryF32SameIndex(UnaryOp op, double p, double q, float[] x, float[] y, int from, int to) {
        switch (op) {
            case MUL_SCALAR -> {
                float fp = (float) p;
                for (int j = from; j < to; j++) {
                    y[j] = x[j] * fp;
                }
            }
            case RELU -> {
                // Math.max is branch-free (and NaN-propagating); a branch on the sign of random data
                // mispredicts half the time and ran 15x slower
                for (int j = from; j < to; j++) {
                    y[j] = Math.max(x[j], 0f);
                }
            }
            case NEG -> {
                for (int j = from; j < to; j++) {
                    y[j] = -x[j];
                }
            }
            case SQRT -> {
                for (int j = from; j < to; j++) {
                    y[j] = (float) Math.sqrt(x[j]);
                }
            }
            case ABS -> {
                for (int j = from; j < to; j++) {
                    y[j] = Math.abs(x[j]);
                }
            }
            default -> {
                for (int j = from; j < to; j++) {
                    y[j] = (float) op.apply(x[j], p, q);
                }
            }
        }
    }

    public static long binaryLong(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            default -> (long) op.apply(a, b);
        };
    }

    public static void binaryF32(BinaryOp op, float[] a, int ia, int as, float[] b, int ib, int bs,
                                  float[] y, int o, int os, int n) {
        if (os == 1 && as == 1 && ia == o && (bs == 0 || (bs == 1 && ib == o))
                && binaryF32SameIndex(op, a, b, ib, bs == 0, y, o, o + n)) {
            return;
        }
        switch (op) {
            case ADD -> {
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = a[ia + j * as] + b[ib + j * bs];
                }
            }
            case SUB -> {
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = a[ia + j * as] - b[ib + j * bs];
                }
            }
            case MUL -> {
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = a[ia + j * as] * b[ib + j * bs];
                }
            }
            case DIV -> {
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = a[ia + j * as] / b[ib + j * bs];
                }
            }
            default -> {
                for (int j = 0; j < n; j++) {
                    y[o + j * os] = (float) op.apply(a[ia + j * as], b[ib + j * bs]);
                }
            }
        }
    }

    /**
     * {@code y[j] = a[j] op b[j]} (or {@code op b[ib]} when {@code scalarB}) for j in [from, to), one
     * index for every array so that HotSpot vectorises it; false when {@code op} has no such loop.
     */
    private static boolean binaryF32SameIndex(BinaryOp op, float[] a, float[] b, int ib, boolean scalarB,
                                              float[] y, int from, int to) {
        if (scalarB) {
            float bv = b[ib];
            switch (op) {
                case ADD -> {
                    for (int j = from; j < to; j++) {
                        y[j] = a[j] + bv;
                    }
                }
                case SUB -> {
                    for (int j = from; j < to; j++) {
                        y[j] = a[j] - bv;
                    }
                }
                case MUL -> {
                    for (int j = from; j < to; j++) {
                        y[j] = a[j] * bv;
                    }
                }
                case DIV -> {
                    for (int j = from; j < to; j++) {
                        y[j] = a[j] / bv;
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }
        switch (op) {
            case ADD -> {
                for (int j = from; j < to; j++) {
                    y[j] = a[j] + b[j];
                }
            }
            case SUB -> {
                for (int j = from; j < to; j++) {
                    y[j] = a[j] - b[j];
                }
            }
            case MUL -> {
                for (int j = from; j < to; j++) {
                    y[j] = a[j] * b[j];
                }
            }
            case DIV -> {
                for (int j = from; j < to; j++) {
                    y[j] = a[j] / b[j];
                }
            }
            case MASK_POSITIVE -> {
                // y = b <= 0 ? +0 : a, as a bit mask (C2 compiles the select to a branch, which
                // mispredicts half the time on activations). b passes when its bits, read as an
                // int, are positive (+0 excluded; −0 = MIN_VALUE excluded by the ~bits term) or
                // when it is NaN (|bits| above +inf's). a passes bit for bit: an infinite or NaN
                // gradient too, where a multiply by a 0/1 step would turn inf·0 into NaN.
                for (int j = from; j < to; j++) {
                    int bits = Float.floatToRawIntBits(b[j]);
                    int positive = (-bits) & ~bits;
                    int nan = 0x7f800000 - (bits & 0x7fffffff);
                    int mask = (positive | nan) >> 31;
                    y[j] = Float.intBitsToFloat(Float.floatToRawIntBits(a[j]) & mask);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
