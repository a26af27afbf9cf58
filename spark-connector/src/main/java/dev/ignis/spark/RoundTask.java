package dev.ignis.spark;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * One replica's share of a round, as the function of the round's Spark job: the partition's
 * replica trained from the round's broadcast state ({@link Replica#train}, or
 * {@link Replica#trainSlice} on a streamed partition) and its weighted result returned.
 *
 * <p>{@link #runOn} runs it as a job straight over the replicas' partitions, with the results
 * collected at the driver: no RDD is derived for the round and no Scala closure is built for it, so
 * Spark's closure cleaner, which reads the class files of every Scala lambda it is given from their
 * jars, has nothing to inspect. That was about 4.5 ms of each round's fixed cost on a 2-core machine
 * (a map over the cached partitions and a reduce: 7 ms a job; this: 2.5 ms).
 */
final class RoundTask extends AbstractFunction2<TaskContext, scala.collection.Iterator<Object>, RoundResult>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("unchecked")
    private static final ClassTag<RoundResult> RESULT = (ClassTag<RoundResult>) (ClassTag<?>)
            ClassTag$.MODULE$.apply(RoundResult.class);

    private final Broadcast<ReplicaConfig> config;
    private final RoundBroadcast state;
    private final int round;
    private final LongAccumulator steps;
    private final LongAccumulator samples;
    private final int shuffleBuffer;

    /**
     * @param steps         counts each step as it is trained (progress); may be null
     * @param samples       counts the round's samples (shown in the Spark UI)
     * @param shuffleBuffer the streaming shuffle buffer, or negative for cached partitions of {@link PartitionData}
     */
    RoundTask(Broadcast<ReplicaConfig> config, RoundBroadcast state, int round, LongAccumulator steps,
              LongAccumulator samples, int shuffleBuffer) {
        this.config = config;
        this.state = state;
        this.round = round;
        this.steps = steps;
        this.samples = samples;
        this.shuffleBuffer = shuffleBuffer;
    }

    /**
     * Trains partition {@code partition} of the round: {@code it} holds its one cached
     * {@link PartitionData}, or, streaming, its {@link Sample}s.
     */
    @SuppressWarnings("unchecked")
    RoundResult train(int partition, Iterator<?> it) {
        ReplicaConfig cfg = config.value();
        TaskContext context = TaskContext.get();
        cfg.hook().beforeTask(round, partition, context == null ? 0 : context.attemptNumber());
        RoundState s = state.value();
        RoundResult part;
        if (shuffleBuffer >= 0) {
            PartitionData slice = StreamedPartition.slice((Iterator<Sample>) it, cfg.seed(), s.epoch(), partition,
                    shuffleBuffer, cfg.batchSize(), s.firstStep(), s.steps());
            part = Replica.trainSlice(cfg, s, slice, partition, round, steps);
        } else {
            part = Replica.train(cfg, s, (PartitionData) it.next(), partition, round, steps);
        }
        samples.add(part.samples());
        return part;
    }

    @Override
    public RoundResult apply(TaskContext context, scala.collection.Iterator<Object> it) {
        return train(context.partitionId(), CollectionConverters.asJava(it));
    }

    /** Runs the round as one job over {@code input}'s partitions; the results in partition order. */
    RoundResult[] runOn(JavaRDD<?> input) {
        @SuppressWarnings("unchecked")
        JavaRDD<Object> rdd = (JavaRDD<Object>) input;
        return (RoundResult[]) rdd.context().runJob(rdd.rdd(), this, RESULT);
    }

    /** The round as an RDD of one result per partition, for aggregation on the executors. */
    JavaRDD<RoundResult> over(JavaRDD<?> input) {
        return input.mapPartitionsWithIndex((index, it) -> java.util.Collections.singletonList(train(index, it))
                .iterator(), true);
    }
}
