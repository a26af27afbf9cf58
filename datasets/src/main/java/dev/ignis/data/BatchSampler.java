package dev.ignis.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Groups a sampler's indices into batches of batchSize; the last one is dropped or kept short (torch BatchSampler). */
public final class BatchSampler implements Iterable<long[]> {
    private final Sampler sampler;
    private final int batchSize;
    private final boolean dropLast;

    public BatchSampler(Sampler sampler, int batchSize, boolean dropLast) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size should be a positive integer value, but got batch_size="
                    + batchSize);
        }
        this.sampler = sampler;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
    }

    /** Number of batches: n / b, rounded down with dropLast, else up. */
    public long size() {
        return dropLast ? sampler.size() / batchSize : (sampler.size() + batchSize - 1) / batchSize;
    }

    @Override
    public Iterator<long[]> iterator() {
        List<long[]> batches = new ArrayList<>();
        long[] current = new long[batchSize];
        int filled = 0;
        for (long i : sampler) {
            current[filled++] = i;
            if (filled == batchSize) {
                batches.add(current);
                current = new long[batchSize];
                filled = 0;
            }
        }
        if (filled > 0 && !dropLast) {
            batches.add(java.util.Arrays.copyOf(current, filled));
        }
        return batches.iterator();
    }
}
