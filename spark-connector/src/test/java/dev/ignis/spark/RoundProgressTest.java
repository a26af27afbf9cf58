package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.F;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Progress inside a round, from the executors' heartbeats: on a local Spark whose executor beats
 * every 200 ms, a round of slow steps reports part of its steps done while it runs.
 */
class RoundProgressTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        // the heartbeat interval is fixed when a SparkContext starts: this test needs its own
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
        spark = SparkSession.builder().master("local[2]").appName("ignis-round-progress-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.executor.heartbeatInterval", "200ms").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aLongRoundReportsTheStepsItsTasksHaveDone() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // 2 replicas × 10 steps of ~100 ms: a round of about a second, reported every 300 ms
        LossFunction slow = (output, target) -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return F.crossEntropy(output, target);
        };
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM).loss(slow).epochs(1).stepsPerRound(0)
                    .batchSize(8).replicas(2).progress(true).progressEvery(0.3)
                    .build().fit(jsc.parallelize(DistributedTrainerTest.samples(160), 2));
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        Matcher partial = Pattern.compile("round 1/1: (\\d+) of 20 steps").matcher(text);
        List<Integer> reported = partial.results().map(m -> Integer.parseInt(m.group(1))).toList();
        assertTrue(reported.stream().anyMatch(n -> n > 0 && n < 20), "a count between none and all: " + text);
        for (int i = 1; i < reported.size(); i++) {
            assertTrue(reported.get(i) >= reported.get(i - 1), "counts never go back: " + reported);
        }
        assertTrue(text.contains("round 1/1 epoch 1/1 loss"), "then the round's own line: " + text);
    }
}
