package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.F;
import dev.ignis.nn.Module;
import dev.ignis.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation during distributed training: per-epoch metrics on the averaged model, the best model, early stopping. */
class ValidationTest {
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-validation-test");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** {mean loss, accuracy} of {@code model} in eval mode over {@code data}, in batches of 16, on this machine. */
    private static double[] evaluate(Module model, List<Sample> data) {
        PartitionData d = PartitionData.of(data, 0);
        Tensor x = Tensor.fromArray(d.features()).reshape(d.size(), 6);
        Tensor y = Tensor.fromArray(d.labels());
        model.eval();
        double loss = 0;
        double correct = 0;
        try (var ignored = GradMode.noGrad()) {
            for (int from = 0; from < d.size(); from += 16) {
                int n = Math.min(16, d.size() - from);
                Tensor out = model.call(x.narrow(0, from, n));
                loss += F.crossEntropy(out, y.narrow(0, from, n)).item() * n;
                correct += out.argmax(1, false).eq(y.narrow(0, from, n)).sum().item();
            }
        }
        return new double[] {loss / d.size(), correct / d.size()};
    }

    @Test
    void everyEpochIsEvaluatedOnTheAveragedModelAndTheBestOneIsKept() {
        List<Sample> held = DistributedTrainerTest.samples(45);
        TrainingResult r = DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM).replicas(2).epochs(4)
                .validation(jsc.parallelize(held, 3)).build().fit(jsc.parallelize(DistributedTrainerTest.samples(150), 2));
        assertEquals(4, r.epochMetrics().size());
        int best = 0;
        for (EpochMetrics m : r.epochMetrics()) {
            assertTrue(Double.isFinite(m.validationLoss()) && m.validationAccuracy() >= 0, m.toString());
            if (m.validationLoss() < r.epochMetrics().get(best).validationLoss()) {
                best = m.epoch();
            }
        }
        assertEquals(best, r.bestEpoch(), "the lowest validation loss");
        double[] local = evaluate(r.bestModel(), held);
        assertEquals(r.epochMetrics().get(best).validationLoss(), local[0], 1e-5, "the executors' evaluation");
        assertEquals(r.epochMetrics().get(best).validationAccuracy(), local[1], 1e-9);
        double[] last = evaluate(r.model(), held);
        assertEquals(r.epochMetrics().get(3).validationLoss(), last[0], 1e-5, "the last epoch's model is the final one");
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsAndAResumedRunStopsThereToo(@TempDir Path dir) {
        String ckpt = dir.resolve("ckpt").toString();
        JavaRDD<Sample> data = jsc.parallelize(DistributedTrainerTest.samples(150), 2);
        // an improvement of more than 1 in accuracy is impossible: epoch 1 is the best, epoch 2 stops the run
        DistributedTrainer.Builder trainer = DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM)
                .replicas(2).epochs(6).validationSplit(0.2).earlyStopping("val_accuracy", 1, 1.0)
                .checkpoint(ckpt, 0);
        TrainingResult r = trainer.build().fit(data);
        assertEquals(2, r.epochMetrics().size(), "stopped after two epochs of six");
        assertEquals(0, r.bestEpoch());
        assertEquals(1, r.metrics().get(r.metrics().size() - 1).epoch(), "no round of a later epoch ran");
        assertNotNull(r.bestModel());

        TrainingResult resumed = trainer.resume(true).build().fit(data);
        assertEquals(r.metrics().size(), resumed.metrics().size(), "the resumed run trains no further");
        assertEquals(0.0, DistributedTrainerTest.maxDiff(r.bestModel(), resumed.bestModel()), "the best model kept");
    }

    @Test
    void withoutValidationThereIsNoBestModelAndValMonitorsAreRefused() {
        TrainingResult r = DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM).replicas(1).build()
                .fit(jsc.parallelize(DistributedTrainerTest.samples(60), 1));
        assertEquals(2, r.epochMetrics().size());
        assertTrue(Double.isNaN(r.epochMetrics().get(0).validationLoss()));
        assertNull(r.bestModel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DistributedTrainerTest
                .trainer(DistributedTrainerTest.SGD_MOMENTUM).earlyStopping("val_loss", 2, 0).build());
        assertTrue(e.getMessage().contains("needs validation data"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DistributedTrainer.builder().earlyStopping("val_los", 2, 0),
                "an unknown metric is named at once");
    }

    @Test
    void theRuleJudgesImprovementByMinDelta() {
        EarlyStopping rule = new EarlyStopping("val_loss", 2, 0.01);
        List<EpochMetrics> history = new java.util.ArrayList<>();
        double[] losses = {1.0, 0.8, 0.795, 0.7, 0.699, 0.698};
        boolean[] stop = {false, false, false, false, false, true};
        int[] best = {0, 1, 1, 3, 3, 3};
        for (int i = 0; i < losses.length; i++) {
            history.add(new EpochMetrics(i, 0, 0, losses[i], 0));
            assertEquals(best[i], rule.best(history), "epoch " + i);
            assertEquals(stop[i], rule.shouldStop(history), "epoch " + i);
        }
    }
}
