package dev.ignis.backend.cpu.elementwise;

/**
 * Double-precision sums over float runs for the statistics kernels, each kept in four interleaved
 * partial sums: one accumulator makes every add wait for the previous one (a dependency chain of
 * the add's latency per element), four let the core overlap them. The order of additions is fixed
 * by the run's length alone.
 */
public final class Sums {
    private Sums() {
    }

    /** Σ a[from + j] for j in [0, len). */
    public static double sum(float[] a, int from, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += a[from + j];
            s1 += a[from + j + 1];
            s2 += a[from + j + 2];
            s3 += a[from + j + 3];
        }
        for (; j < len; j++) {
            s0 += a[from + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Adds Σd and Σd² with d = a[from + j] − shift, j in [0, len), to acc[0] and acc[1]: both
     * moments in one pass over the run.
     */
    public static void addShiftedMoments(float[] a, int from, int len, double shift, double[] acc) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double q0 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            double d0 = a[from + j] - shift;
            double d1 = a[from + j + 1] - shift;
            double d2 = a[from + j + 2] - shift;
            double d3 = a[from + j + 3] - shift;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
        }
        for (; j < len; j++) {
            double d = a[from + j] - shift;
            s0 += d;
            q0 += d * d;
        }
        acc[0] += (s0 + s1) + (s2 + s3);
        acc[1] += (q0 + q1) + (q2 + q3);
    }
}
