package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The number of replicas is a setting (default: the task slots), independent of the source's
 * partitions, and the samples are dealt so that classes stored in runs are mixed.
 */
class ReplicasTest {
    static SparkSession spark;
    static JavaSparkContext jsc;
    /** Partition indices the training tasks ran on (local mode: the tasks run in this JVM). */
    static final Set<Integer> TASK_PARTITIONS = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-replicas-test");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The samples of each replica, in the order the trainer caches them: by global position. */
    static List<List<Sample>> dealt(List<Sample> data, int replicas, long seed, int epoch) {
        ReplicaPartitioner p = new ReplicaPartitioner(replicas, seed, epoch);
        List<List<Sample>> out = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            out.add(new ArrayList<>());
        }
        for (int g = 0; g < data.size(); g++) {
            out.get(p.getPartition((long) g)).add(data.get(g));
        }
        return out;
    }

    private static String text(Sample s) {
        return java.util.Arrays.toString(s.features()) + "->" + s.label();
    }

    private static List<Integer> trainedPartitions(DistributedTrainer.Builder trainer, int sourcePartitions) {
        TASK_PARTITIONS.clear();
        trainer.taskHook((round, partition, attempt) -> TASK_PARTITIONS.add(partition)).build()
                .fit(jsc.parallelize(DistributedTrainerTest.samples(120), sourcePartitions));
        return TASK_PARTITIONS.stream().sorted().toList();
    }

    @Test
    void replicasAreASettingWhateverTheSourcesPartitions() {
        assertEquals(List.of(0, 1, 2), trainedPartitions(DistributedTrainerTest.trainer(
                DistributedTrainerTest.SGD_MOMENTUM).replicas(3), 12));
        assertEquals(List.of(0), trainedPartitions(DistributedTrainerTest.trainer(
                DistributedTrainerTest.SGD_MOMENTUM).replicas(1), 5));
        assertEquals(List.of(0, 1), trainedPartitions(DistributedTrainerTest.trainer(
                DistributedTrainerTest.SGD_MOMENTUM), 7), "default: the task slots of local[2]");
        assertEquals(2, Replicas.defaultCount(jsc));
        assertThrows(IllegalArgumentException.class, () -> DistributedTrainer.builder().replicas(0));
    }

    @Test
    void classesStoredInRunsAreSpreadEvenlyOverTheReplicas() {
        // 3 classes in runs of 40, as an image folder lists them
        List<Sample> sorted = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            sorted.add(new Sample(new float[] {i}, i / 40));
        }
        List<List<Sample>> replicas = dealt(sorted, 4, 7, 0);
        for (List<Sample> replica : replicas) {
            assertEquals(30, replica.size());
            for (int c = 0; c < 3; c++) {
                int cls = c;
                assertEquals(10, replica.stream().filter(s -> s.label() == cls).count(), "class " + c);
            }
        }
        List<List<Sample>> again = dealt(sorted, 4, 7, 0);
        assertEquals(replicas, again, "the same seed and epoch deal the same way (a retried task sees the same)");
        assertNotEquals(replicas, dealt(sorted, 4, 7, 1), "another epoch groups the samples differently");
        List<List<Sample>> uneven = dealt(sorted.subList(0, 103), 4, 7, 0);
        int min = uneven.stream().mapToInt(List::size).min().orElseThrow();
        int max = uneven.stream().mapToInt(List::size).max().orElseThrow();
        assertTrue(max - min <= 1, "sizes " + min + ".." + max);
    }

    @Test
    void theTrainerDealsAsThePartitionerSaysAndReshufflingEachEpochStillLearns() {
        List<Sample> data = DistributedTrainerTest.samples(150);
        List<Sample> inRuns = new ArrayList<>(data);
        inRuns.sort((a, b) -> Long.compare(a.label(), b.label()));
        List<String> dealt = Replicas.deal(jsc.parallelize(inRuns, 5), 2, 7, 0).collect().stream()
                .map(ReplicasTest::text).toList();
        List<String> expected = new ArrayList<>();
        dealt(inRuns, 2, 7, 0).forEach(replica -> replica.forEach(s -> expected.add(text(s))));
        assertEquals(expected, dealt, "replica 0's samples by position, then replica 1's");

        TrainingResult r = DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM).replicas(2).epochs(3)
                .reshuffleEachEpoch(true).build().fit(jsc.parallelize(inRuns, 5));
        RoundMetrics last = r.metrics().get(r.metrics().size() - 1);
        assertTrue(last.accuracy() > 0.8, "training accuracy " + last.accuracy());
    }

    @Test
    void replicasWithFewBatchesAreWarnedAbout() {
        assertTrue(Replicas.fewBatches(List.of(640, 640), 64).isEmpty(), "10 batches each");
        String warning = Replicas.fewBatches(List.of(32, 32, 33), 32).orElseThrow();
        assertTrue(warning.contains("3 replicas, batch 32: some hold only 1 batch(es) an epoch"), warning);
        assertTrue(warning.contains("replica 0: 32 samples"), warning);
    }
}
