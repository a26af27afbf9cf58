package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.Arrays;
import java.util.Iterator;

/**
 * numSamples indices drawn with probabilities proportional to {@code weights}
 * (torch.utils.data.WeightedRandomSampler); without replacement an index is drawn at most once.
 */
public final class WeightedRandomSampler implements Sampler {
    private final double[] weights;
    private final long numSamples;
    private final boolean replacement;
    private final Generator gen;

    public WeightedRandomSampler(double[] weights, long numSamples, boolean replacement, Generator gen) {
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights should be non-negative and finite, got " + w);
            }
        }
        if (numSamples <= 0) {
            throw new IllegalArgumentException("num_samples should be a positive integer value, but got num_samples="
                    + numSamples);
        }
        if (!replacement && numSamples > Arrays.stream(weights).filter(w -> w > 0).count()) {
            throw new IllegalArgumentException("cannot draw " + numSamples + " samples without replacement from "
                    + Arrays.stream(weights).filter(w -> w > 0).count() + " indices with nonzero weight");
        }
        this.weights = weights.clone();
        this.numSamples = numSamples;
        this.replacement = replacement;
        this.gen = gen;
    }

    @Override
    public long size() {
        return numSamples;
    }

    @Override
    public Iterator<Long> iterator() {
        double[] w = weights.clone();
        long[] out = new long[Math.toIntExact(numSamples)];
        for (int s = 0; s < out.length; s++) {
            double total = 0;
            for (double v : w) {
                total += v;
            }
            double u = gen.nextDouble() * total;
            int i = 0;
            for (double acc = w[0]; acc <= u && i < w.length - 1; acc += w[++i]) {
                // cumulative search
            }
            out[s] = i;
            if (!replacement) {
                w[i] = 0;
            }
        }
        return Arrays.stream(out).boxed().iterator();
    }
}
