package dev.ignis.backend;

/**
 * The definition of {@link Backend#fillRandom}: counter-based random numbers, where element i of a
 * fill seeded s is a function of (s, i) alone, so every device computes each element
 * independently (a GPU thread per element) and every device gives the same uniform values.
 * The bits are SplitMix64's output function (Steele, Lea and Flood, 2014) applied to
 * {@code s + (i + 1)·0x9E3779B97F4A7C15}; a uniform is their top 53 bits over 2^53, and a normal
 * is Box–Muller's cosine branch over the uniforms at counters 2i and 2i + 1.
 */
public final class CounterRandom {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private CounterRandom() {
    }

    /** 64 random bits for counter {@code i} of the stream {@code seed}. */
    public static long bits(long seed, long i) {
        long z = seed + (i + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform value in [0, 1) for element {@code i}. */
    public static double uniform(long seed, long i) {
        return (bits(seed, i) >>> 11) * 0x1.0p-53;
    }

    /** A standard normal value for element {@code i}: √(−2 ln(1 − u₁))·cos(2π u₂). */
    public static double normal(long seed, long i) {
        double u1 = uniform(seed, 2 * i);
        double u2 = uniform(seed, 2 * i + 1);
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** What {@link Backend#fillRandom} draws. */
    public enum Distribution {
        /** {@link #uniform}: [0, 1). */
        UNIFORM,
        /** {@link #normal}: mean 0, variance 1. */
        NORMAL
    }
}
