package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The share of one replica (torch.utils.data.DistributedSampler): the (optionally shuffled with
 * seed + epoch) indices are padded by wrapping around to a multiple of numReplicas (or trimmed with
 * dropLast), and replica r takes r, r + R, r + 2R, ....
 */
public final class DistributedSampler implements Sampler {
    private final long n;
    private final int numReplicas;
    private final int rank;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private long epoch;

    public DistributedSampler(long n, int numReplicas, int rank, boolean shuffle, long seed, boolean dropLast) {
        if (rank < 0 || rank >= numReplicas) {
            throw new IllegalArgumentException("Invalid rank " + rank + ", rank should be in the interval [0, "
                    + (numReplicas - 1) + "]");
        }
        this.n = n;
        this.numReplicas = numReplicas;
        this.rank = rank;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    /** Makes the shuffle of the next pass depend on the epoch (all replicas must call it alike). */
    public void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    @Override
    public long size() {
        return dropLast && n % numReplicas != 0 ? n / numReplicas : (n + numReplicas - 1) / numReplicas;
    }

    @Override
    public Iterator<Long> iterator() {
        long[] order = shuffle ? RandomSampler.permutation(n, new Generator(seed + epoch))
                : java.util.stream.LongStream.range(0, n).toArray();
        long total = size() * numReplicas;
        long[] padded = new long[(int) total];
        for (int i = 0; i < padded.length; i++) {
            padded[i] = order[(int) (i % Math.max(order.length, 1))];
        }
        long[] mine = new long[(int) size()];
        for (int i = 0; i < mine.length; i++) {
            mine[i] = padded[rank + i * numReplicas];
        }
        return Arrays.stream(mine).boxed().iterator();
    }
}
