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
        return accumulate(a, from, len, 0, false);
    }

    /** Σ (a[from + j] − mu)² for j in [0, len). */
    static double sumSquaredDeviations(float[] a, int from, int len, double mu) {
        return accumulate(a, from, len, mu, true);
    }

    /** Σ t(a[from + j]) with t(v) = (v − mu)² when {@code squared}, else v (C2 unswitches the loop on it). */
    private static double accumulate(float[] a, int from, int len, double mu, boolean squared) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += term(a[from + j], mu, squared);
            s1 += term(a[from + j + 1], mu, squared);
            s2 += term(a[from + j + 2], mu, squared);
            s3 += term(a[from + j + 3], mu, squared);
        }
        for (; j < len; j++) {
            s0 += term(a[from + j], mu, squared);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double term(float v, double mu, boolean squared) {
        if (!squared) {
            return v;
        }
        double d = v - mu;
        return d * d;
    }
}
