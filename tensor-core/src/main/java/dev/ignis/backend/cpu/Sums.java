package dev.ignis.backend.cpu;

/**
 * Double-precision sums over float runs for the statistics kernels, each kept in four interleaved
 * partial sums: one accumulator makes every add wait for the previous one (a dependency chain of
 * the add's latency per element), four let the core overlap them. The order of additions is fixed
 * by the run's length alone.
 */
final class Sums {
    private Sums() {
    }

    /** Σ a[from + j] for j in [0, len). */
    static double sum(float[] a, int from, int len) {
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

    /** Σ (a[from + j] − mu)² for j in [0, len). */
    static double sumSquaredDeviations(float[] a, int from, int len, double mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            double d0 = a[from + j] - mu;
            double d1 = a[from + j + 1] - mu;
            double d2 = a[from + j + 2] - mu;
            double d3 = a[from + j + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < len; j++) {
            double d = a[from + j] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
