package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * The training data as the replicas hold it, and the Spark jobs that run over it: the source dealt
 * into one partition per replica ({@link Replicas#deal}), either decoded once and cached as
 * {@link PartitionData} or streamed again every round; a round's job (each task trains its
 * replica and returns its weighted result) and the distributed BatchNorm pass of the SWA model.
 * {@link #release} drops whatever it cached or persisted.
 */
final class ReplicaData {
    private final JavaRDD<Sample> data;
    private final int replicas;
    private final long seed;
    private final int shuffleBuffer;
    private final StorageLevel storageLevel;
    private final boolean truncateLineage;
    private final boolean persisted;
    private final LongAccumulator samplesTrained;
    private JavaRDD<Sample> source;
    private JavaRDD<PartitionData> parts;
    private int dealtEpoch;

    /**
     * Deals {@code data} to {@code replicas} partitions (epoch 0's grouping) and, unless streaming
     * ({@code shuffleBuffer >= 0}), caches them decoded at {@code storageLevel}.
     */
    ReplicaData(JavaRDD<Sample> data, int replicas, long seed, int shuffleBuffer, StorageLevel storageLevel,
                boolean truncateLineage) {
        this.data = data;
        this.replicas = replicas;
        this.seed = seed;
        this.shuffleBuffer = shuffleBuffer;
        this.storageLevel = storageLevel;
        this.truncateLineage = truncateLineage;
        // dealing reads the source twice (a count, then the shuffle), and again every epoch with
        // reshuffleEachEpoch: decode it once, spilling to disk what does not fit
        persisted = replicas > 1 && data.getStorageLevel().equals(StorageLevel.NONE());
        if (persisted) {
            data.persist(StorageLevel.MEMORY_AND_DISK_SER());
        }
        source = Replicas.deal(data, replicas, seed, 0);
        parts = streaming() ? null : cache(source, storageLevel, truncateLineage);
        // shown in the Spark UI next to the stages
        samplesTrained = data.context().longAccumulator("ignis samples trained");
    }

    boolean streaming() {
        return shuffleBuffer >= 0;
    }

    /** Samples per replica. */
    List<Integer> sizes() {
        return streaming() ? Replicas.partitionSizes(source).stream().map(Math::toIntExact).toList()
                : parts.map(PartitionData::size).collect();
    }

    /** Deals the samples anew for {@code epoch} (another seeded grouping), once per epoch. */
    void reshuffle(int epoch) {
        if (replicas == 1 || epoch == dealtEpoch) {
            return;
        }
        dealtEpoch = epoch;
        source = Replicas.deal(data, replicas, seed, epoch);
        if (parts != null) {
            uncache(parts);
            parts = cache(source, storageLevel, truncateLineage);
        }
    }

    /**
     * Runs round {@code round}, one task per replica, each training on its partition from the
     * broadcast state and adding its steps, one at a time, to {@code steps} (progress; may be null);
     * returns the sample-weighted sum of the tasks' results. Where Spark would bring every task's
     * result to the driver anyway (see {@link RoundAggregation#resultsAtDriver}) and the result is
     * expected in one piece, the round is one job straight over the partitions ({@link RoundTask#runOn}),
     * summed at the driver in partition order; otherwise the results are aggregated by
     * {@link RoundAggregation#aggregate}. A first-round result larger than one piece runs the round
     * again on that path (a round is a pure function of its inputs).
     */
    RoundResult round(Broadcast<ReplicaConfig> shipped, RoundBroadcast broadcast, int round, LongAccumulator steps,
                      boolean onePiece) {
        RoundTask task = new RoundTask(shipped, broadcast, round, steps, samplesTrained, shuffleBuffer);
        JavaRDD<?> input = streaming() ? source : parts;
        int partitions = input.getNumPartitions();
        if (onePiece && RoundAggregation.resultsAtDriver(partitions) == partitions) {
            RoundResult whole = RoundAggregation.sum(task.runOn(input));
            // more than one piece: the first round's optimizer state, unseen by the driver, made it larger
            return whole.pieceCount() == 1 ? whole : RoundAggregation.aggregate(task.over(input), false);
        }
        return RoundAggregation.aggregate(task.over(input), onePiece);
    }

    /**
     * The distributed updateBn of {@code model}: each partition's cumulative BatchNorm statistics
     * for its weights, averaged weighted by the partition's batches, replace the model's float
     * buffers (counters untouched). Nothing changes when the data holds no sample.
     */
    void recomputeBatchNorm(ReplicaConfig cfg, Module model) {
        long[] c = ModelVector.counters(model);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
        float[] w = ModelVector.weights(model);
        RoundBroadcast weights = new RoundBroadcast(jsc, new RoundState(w, c, OptimizerVector.EMPTY, null, 0, 0, 0),
                cfg.pieceSize());
        JavaRDD<RoundResult> passes = parts != null
                ? parts.map(d -> Replica.batchNormPass(cfg, weights.value().weights(), c, d))
                : source.mapPartitionsWithIndex((index, it) -> Collections.singletonList(Replica.batchNormPass(cfg,
                        weights.value().weights(), c, StreamedPartition.batches(it, cfg.batchSize(), cfg.sampleShape(),
                                index))).iterator(), true);
        RoundResult r = RoundAggregation.aggregate(passes, w.length <= cfg.pieceSize());
        weights.destroy();
        if (r.samples() == 0) {
            return;
        }
        Module stats = cfg.modelFactory().get();
        ModelVector.load(stats, r.averageWeights(), c);
        Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
        stats.namedBuffers().forEach((name, t) -> {
            if (t != null && t.dtype() != DType.INT64) {
                state.put(name, t);
            }
        });
        model.loadStateDict(state, true);
    }

    /** Unpersists what this object cached, and the source if it persisted it. */
    void release() {
        if (parts != null) {
            uncache(parts);
        }
        if (persisted) {
            data.unpersist(false);
        }
    }

    /**
     * Drops {@code parts}' cached blocks. For a locally checkpointed RDD, {@code RDD.unpersist}
     * would log a warning on every run that its lineage is gone and it cannot be recomputed, which
     * is why it was checkpointed and harmless here (nothing reads it again); the SparkContext's own
     * unpersist, which the ContextCleaner uses for collected RDDs, drops the same blocks silently.
     */
    static void uncache(JavaRDD<PartitionData> parts) {
        if (parts.rdd().isLocallyCheckpointed()) {
            parts.context().unpersistRDD(parts.id(), false);
        } else {
            parts.unpersist(false);
        }
    }

    /**
     * Each partition decoded once into arrays and cached (replacing the source's lineage when
     * {@code truncateLineage}, see {@link DistributedTrainer.Builder#truncateLineage}).
     */
    static JavaRDD<PartitionData> cache(JavaRDD<Sample> source, StorageLevel level, boolean truncateLineage) {
        JavaRDD<PartitionData> parts = source.mapPartitionsWithIndex((index, it) -> {
            List<Sample> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            return Collections.singletonList(PartitionData.of(all, index)).iterator();
        }, true).persist(level);
        return truncateLineage ? new JavaRDD<>(parts.rdd().localCheckpoint(), parts.classTag()) : parts;
    }
}
