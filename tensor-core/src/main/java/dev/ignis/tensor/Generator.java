package dev.ignis.tensor;

/**
 * A seeded source of random numbers for tensor creation, dropout and shuffling (PyTorch's
 * {@code torch.Generator}). SplitMix64: the whole state is one long, so it can be saved and
 * restored exactly ({@link #getState()}, {@link #setState(long)}). Streams differ from PyTorch's
 * Mersenne Twister; seeds give reproducibility within Ignis, not bit-equality with PyTorch.
 *
 * <p>Not thread-safe: give each thread (or DataLoader worker) its own generator.
 */
public final class Generator {
    private static final Generator DEFAULT = new Generator(System.nanoTime());

    private long state;
    private double spareGaussian = Double.NaN;

    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The process-wide generator used when none is given. */
    public static Generator getDefault() {
        return DEFAULT;
    }

    /** Resets the stream to the one that {@code seed} starts. */
    public Generator manualSeed(long seed) {
        this.state = seed;
        this.spareGaussian = Double.NaN;
        return this;
    }

    public long getState() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
        this.spareGaussian = Double.NaN;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long r = nextLong() >>> 1;
        long m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        for (long u = r; u - (r = u % bound) + m < 0; u = nextLong() >>> 1) {
            // reject values from the incomplete last block to stay uniform
        }
        return r;
    }

    /** Standard normal (Marsaglia's polar method; the second value is kept for the next call). */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * f;
        return u * f;
    }
}
