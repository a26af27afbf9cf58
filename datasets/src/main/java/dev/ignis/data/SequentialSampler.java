package dev.ignis.data;

import java.util.Iterator;
import java.util.stream.LongStream;

/** 0, 1, ..., n − 1. */
public final class SequentialSampler implements Sampler {
    private final long n;

    public SequentialSampler(long n) {
        this.n = n;
    }

    @Override
    public long size() {
        return n;
    }

    @Override
    public Iterator<Long> iterator() {
        return LongStream.range(0, n).boxed().iterator();
    }
}
