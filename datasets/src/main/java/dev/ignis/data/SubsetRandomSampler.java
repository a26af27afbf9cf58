package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.Arrays;
import java.util.Iterator;

/** The given indices in a random order each pass (torch.utils.data.SubsetRandomSampler). */
public final class SubsetRandomSampler implements Sampler {
    private final long[] indices;
    private final Generator gen;

    public SubsetRandomSampler(long[] indices, Generator gen) {
        this.indices = indices.clone();
        this.gen = gen;
    }

    @Override
    public long size() {
        return indices.length;
    }

    @Override
    public Iterator<Long> iterator() {
        long[] p = RandomSampler.permutation(indices.length, gen);
        return Arrays.stream(p).map(i -> indices[(int) i]).boxed().iterator();
    }
}
