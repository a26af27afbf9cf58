package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Random indices in [0, n) (torch.utils.data.RandomSampler): a fresh permutation every pass, or
 * with {@code replacement} numSamples independent draws. Without replacement, numSamples > n
 * repeats whole permutations, as PyTorch does.
 */
public final class RandomSampler implements Sampler {
    private final long n;
    private final boolean replacement;
    private final long numSamples;
    private final Generator gen;

    public RandomSampler(long n, Generator gen) {
        this(n, false, n, gen);
    }

    public RandomSampler(long n, boolean replacement, long numSamples, Generator gen) {
        if (numSamples <= 0) {
            throw new IllegalArgumentException("num_samples should be a positive integer value, but got num_samples="
                    + numSamples);
        }
        this.n = n;
        this.replacement = replacement;
        this.numSamples = numSamples;
        this.gen = gen;
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
    public static long[] permutation(long n, Generator gen) {
        long[] p = new long[Math.toIntExact(n)];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        for (int i = p.length - 1; i > 0; i--) {
            int j = (int) gen.nextLong(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public long size() {
        return numSamples;
    }

    @Override
    public Iterator<Long> iterator() {
        long[] order = new long[Math.toIntExact(numSamples)];
        if (replacement) {
            for (int i = 0; i < order.length; i++) {
                order[i] = gen.nextLong(n);
            }
        } else {
            for (int filled = 0; filled < order.length; ) {
                long[] p = permutation(n, gen);
                int take = (int) Math.min(p.length, order.length - filled);
                System.arraycopy(p, 0, order, filled, take);
                filled += take;
            }
        }
        return Arrays.stream(order).boxed().iterator();
    }
}
