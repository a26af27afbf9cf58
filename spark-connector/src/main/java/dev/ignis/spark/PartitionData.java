package dev.ignis.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One partition's samples decoded once into flat arrays (features row-major, [n, featureSize]),
 * the form a partition is cached in and trained from. An empty partition has n = 0.
 */
record PartitionData(float[] features, long[] labels, int featureSize) implements Serializable {

    static PartitionData of(List<Sample> samples, int partition) {
        int size = samples.isEmpty() ? 0 : samples.get(0).features().length;
        float[] x = new float[samples.size() * size];
        long[] y = new long[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            float[] f = samples.get(i).features();
            if (f.length != size) {
                throw new IllegalArgumentException("partition " + partition + ": sample " + i + " has " + f.length
                        + " features, the partition's first sample has " + size);
            }
            System.arraycopy(f, 0, x, i * size, size);
            y[i] = samples.get(i).label();
        }
        return new PartitionData(x, y, size);
    }

    int size() {
        return labels.length;
    }
}
