package dev.ignis.backend.cpu;

import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;

/**
 * The inner loops of the CPU's float32 (and int64) elementwise kernels over one row of a strided
 * walk. Unit-stride rows take loops whose index is {@code j + invariant}, the form HotSpot's
 * superword pass vectorises; the common ops have their own loops so that no element pays for a
 * virtual call.
 */
final class ElementwiseLoops {
    private ElementwiseLoops() {
    }

    static void unaryF32(UnaryOp op, double p, double q, float[] x, int i, int is, float[] y, int o, int os, int n) {
        if (is == 1 && os == 1) {
            unaryF32Contiguous(op, p, q, x, i, y, o, n);
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

    /** Unit-stride loops: the index is {@code j + invariant}, the form HotSpot's superword pass vectorises. */
    private static void unaryF32Contiguous(UnaryOp op, double p, double q, float[] x, int i, float[] y, int o, int n) {
        switch (op) {
            case MUL_SCALAR -> {
                float fp = (float) p;
                for (int j = 0; j < n; j++) {
                    y[o + j] = x[i + j] * fp;
                }
            }
            case RELU -> {
                // Math.max is branch-free (and NaN-propagating); a branch on the sign of random data
                // mispredicts half the time and ran 15x slower
                for (int j = 0; j < n; j++) {
                    y[o + j] = Math.max(x[i + j], 0f);
                }
            }
            case NEG -> {
                for (int j = 0; j < n; j++) {
                    y[o + j] = -x[i + j];
                }
            }
            case SQRT -> {
                for (int j = 0; j < n; j++) {
                    y[o + j] = (float) Math.sqrt(x[i + j]);
                }
            }
            case ABS -> {
                for (int j = 0; j < n; j++) {
                    y[o + j] = Math.abs(x[i + j]);
                }
            }
            default -> {
                for (int j = 0; j < n; j++) {
                    y[o + j] = (float) op.apply(x[i + j], p, q);
                }
            }
        }
    }

    static long binaryLong(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            default -> (long) op.apply(a, b);
        };
    }

    static void binaryF32(BinaryOp op, float[] a, int ia, int as, float[] b, int ib, int bs,
                                  float[] y, int o, int os, int n) {
        if (os == 1 && as == 1 && (bs == 1 || bs == 0) && binaryF32Contiguous(op, a, ia, b, ib, bs == 0, y, o, n)) {
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
     * Unit-stride loops for the four arithmetic ops, with {@code b} either a row or one broadcast
     * value; false when {@code op} has no such loop.
     */
    private static boolean binaryF32Contiguous(BinaryOp op, float[] a, int ia, float[] b, int ib, boolean scalarB,
                                               float[] y, int o, int n) {
        if (scalarB) {
            float bv = b[ib];
            switch (op) {
                case ADD -> {
                    for (int j = 0; j < n; j++) {
                        y[o + j] = a[ia + j] + bv;
                    }
                }
                case SUB -> {
                    for (int j = 0; j < n; j++) {
                        y[o + j] = a[ia + j] - bv;
                    }
                }
                case MUL -> {
                    for (int j = 0; j < n; j++) {
                        y[o + j] = a[ia + j] * bv;
                    }
                }
                case DIV -> {
                    for (int j = 0; j < n; j++) {
                        y[o + j] = a[ia + j] / bv;
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
                for (int j = 0; j < n; j++) {
                    y[o + j] = a[ia + j] + b[ib + j];
                }
            }
            case SUB -> {
                for (int j = 0; j < n; j++) {
                    y[o + j] = a[ia + j] - b[ib + j];
                }
            }
            case MUL -> {
                for (int j = 0; j < n; j++) {
                    y[o + j] = a[ia + j] * b[ib + j];
                }
            }
            case DIV -> {
                for (int j = 0; j < n; j++) {
                    y[o + j] = a[ia + j] / b[ib + j];
                }
            }
            case MASK_POSITIVE -> {
                // y = b <= 0 ? +0 : a, as a bit mask (C2 compiles the select to a branch, which
                // mispredicts half the time on activations). b passes when its bits, read as an
                // int, are positive (+0 excluded; −0 = MIN_VALUE excluded by the ~bits term) or
                // when it is NaN (|bits| above +inf's). a passes bit for bit: an infinite or NaN
                // gradient too, where a multiply by a 0/1 step would turn inf·0 into NaN.
                for (int j = 0; j < n; j++) {
                    int bits = Float.floatToRawIntBits(b[ib + j]);
                    int positive = (-bits) & ~bits;
                    int nan = 0x7f800000 - (bits & 0x7fffffff);
                    int mask = (positive | nan) >> 31;
                    y[o + j] = Float.intBitsToFloat(Float.floatToRawIntBits(a[ia + j]) & mask);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
