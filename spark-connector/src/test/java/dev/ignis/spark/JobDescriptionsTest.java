package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.F;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the Spark UI lists for a run's jobs: each job labelled by its part in the run. */
class JobDescriptionsTest {
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-job-descriptions");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void everyJobOfARunNamesItsRoundEpochOrPurposeAndTheCallersDescriptionReturns() throws Exception {
        List<String> descriptions = new CopyOnWriteArrayList<>();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                descriptions.add(String.valueOf(start.properties().getProperty(DistributedTrainer.JOB_DESCRIPTION)));
            }
        });
        jsc.setJobDescription("my notebook cell");
        DistributedTrainer.builder().model(DistributedTrainerTest::net).loss(F::crossEntropy)
                .optimizer(DistributedTrainerTest.SGD_MOMENTUM).batchSize(16).epochs(2).stepsPerRound(3).seed(7)
                .sampleShape(6).progress(false).replicas(2).validationSplit(0.25).swa(1, 0.05, 1).build()
                .fit(jsc.parallelize(DistributedTrainerTest.samples(96), 2));
        jsc.parallelize(List.of(1)).count();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!descriptions.contains("my notebook cell") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(descriptions.contains("ignis: dealing the data to 2 replica(s)"), descriptions.toString());
        List<String> rounds = descriptions.stream().filter(d -> d.startsWith("ignis round ")).toList();
        assertTrue(rounds.size() >= 2, descriptions.toString());
        assertTrue(rounds.get(0).matches("ignis round 1/(\\d+), epoch 1/2"), rounds.toString());
        int total = rounds.size();
        assertEquals("ignis round " + total + "/" + total + ", epoch 2/2", rounds.get(total - 1), rounds.toString());
        assertTrue(descriptions.contains("ignis validation, epoch 2/2"), descriptions.toString());
        assertTrue(descriptions.contains("ignis: the SWA model's BatchNorm statistics over every replica's data"),
                descriptions.toString());
        assertEquals("my notebook cell", descriptions.get(descriptions.size() - 1), descriptions.toString());
    }
}
