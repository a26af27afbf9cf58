package dev.ignis.spark;

import org.apache.spark.Partitioner;

/**
 * Which replica trains the sample at global position g (its place in the source data, partition
 * after partition): position g % R of its block of R consecutive samples, rotated by a seeded
 * offset drawn per (seed, epoch, block). Each block sends one sample to each replica, so replicas
 * differ in size by at most one and each sees every stretch of the source (classes stored in runs,
 * as image folders and Spark's file reader leave them, are spread evenly); the per-block rotation
 * makes another epoch's grouping different.
 */
final class ReplicaPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int replicas;
    private final long seed;
    private final int epoch;

    ReplicaPartitioner(int replicas, long seed, int epoch) {
        this.replicas = replicas;
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public int numPartitions() {
        return replicas;
    }

    /** {@code key} is the sample's global position (a Long). */
    @Override
    public int getPartition(Object key) {
        long g = (Long) key;
        long block = g / replicas;
        long rotation = Math.floorMod(mix(Replica.mix(seed, epoch, 0) + block), replicas);
        return (int) ((g % replicas + rotation) % replicas);
    }

    /** SplitMix64's finaliser: consecutive blocks get unrelated rotations. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicaPartitioner p && p.replicas == replicas && p.seed == seed && p.epoch == epoch;
    }

    @Override
    public int hashCode() {
        return (int) (31L * (31L * replicas + seed) + epoch);
    }
}
