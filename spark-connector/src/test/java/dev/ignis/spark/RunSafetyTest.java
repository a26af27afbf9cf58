package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What protects a run's directories and its resumption: settings that change a checkpoint's
 * meaning are refused, an explicit lr overrides the checkpoint's, unwritable directories fail
 * before training, a second run on a directory in use is refused, and metrics that cannot be
 * written do not stop training.
 */
class RunSafetyTest {
    static SparkSession spark;
    static JavaRDD<Sample> data;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-run-safety-test");
        data = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(DistributedTrainerTest.samples(60), 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static DistributedTrainer.Builder trainer(String ckpt) {
        return DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM).checkpoint(ckpt, 1);
    }

    @Test
    void resumingWithSettingsThatChangeThePositionsMeaningIsRefused(@TempDir Path dir) {
        String ckpt = dir.resolve("ckpt").toString();
        trainer(ckpt).build().fit(data);
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> trainer(ckpt).batchSize(8).resume(true).build().fit(data));
        assertTrue(batch.getMessage().contains("round-00000") && batch.getMessage().contains("batch size 16, this run has 8"),
                batch.getMessage());
        // 30 samples per replica in batches of 16: 2 steps an epoch, so 3 steps per round ran as 2
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> trainer(ckpt).stepsPerRound(1).resume(true).build().fit(data));
        assertTrue(steps.getMessage().contains("steps per round 2, this run has 1"), steps.getMessage());
        IllegalArgumentException epochs = assertThrows(IllegalArgumentException.class,
                () -> trainer(ckpt).epochs(5).resume(true).build().fit(data));
        assertTrue(epochs.getMessage().contains("epochs 2, this run has 5"), epochs.getMessage());
        JavaRDD<Sample> more = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(DistributedTrainerTest.samples(90), 2);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> trainer(ckpt).resume(true).build().fit(more));
        assertTrue(size.getMessage().contains("samples per replica [30, 30], this run has [45, 45]"), size.getMessage());
    }

    @Test
    void aResumedRunCanTakeAnotherLearningRate(@TempDir Path dir) {
        String ckpt = dir.resolve("ckpt").toString();
        TrainingResult first = trainer(ckpt).epochs(2).build().fit(data);
        List<RoundMetrics> plain = trainer(ckpt).epochs(2).resume(true).build().fit(data).metrics();
        assertEquals(first.metrics().size(), plain.size(), "a finished run resumes to the same end");
        // a run stopped after round 0 (two rounds in all), resumed with lr 0.01 instead of 0.1
        String mid = dir.resolve("mid").toString();
        assertThrows(Exception.class, () -> trainer(mid).epochs(2).taskHook((round, partition, attempt) -> {
            if (round == 1) {
                throw new IllegalStateException("stop here");
            }
        }).build().fit(data));
        TrainingResult resumed = trainer(mid).epochs(2).resumeWithLr(0.01).resume(true).build().fit(data);
        RoundMetrics after = resumed.metrics().get(1);
        assertEquals(0.01, after.lr(), 1e-12, "the first resumed round trains with the given lr");
        assertNotEquals(first.metrics().get(1).lr(), after.lr());
    }

    @Test
    void anUnwritableDirectoryFailsBeforeTraining(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("a-file"), new byte[] {1});
        long start = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer(file.resolve("ckpt").toString()).build().fit(data));
        assertTrue(e.getMessage().startsWith("checkpoint directory " + file.resolve("ckpt") + " is not writable"),
                e.getMessage());
        assertTrue(System.nanoTime() - start < 10e9, "it fails in seconds");
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                () -> DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM)
                        .outputDir(file.resolve("out").toString()).build().fit(data));
        assertTrue(out.getMessage().startsWith("output directory"), out.getMessage());
    }

    @Test
    void aSecondRunOnADirectoryInUseIsRefusedAndAStaleLockIsTakenOver(@TempDir Path dir) throws IOException {
        Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
        // a live run (this process's own parent, say) holds the directory
        Files.writeString(ckpt.resolve(RunDirectory.LOCK), "host=" + java.net.InetAddress.getLocalHost().getHostName()
                + " pid=" + ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L) + " started=then");
        IllegalStateException busy = assertThrows(IllegalStateException.class,
                () -> trainer(ckpt.toString()).build().fit(data));
        assertTrue(busy.getMessage().contains("is in use by another run") && busy.getMessage().contains("_ignis.lock"),
                busy.getMessage());
        // a run on this host whose process is gone left it: taken over, and released at the end
        Files.writeString(ckpt.resolve(RunDirectory.LOCK), "host=" + java.net.InetAddress.getLocalHost().getHostName()
                + " pid=" + Long.MAX_VALUE / 2 + " started=then");
        trainer(ckpt.toString()).build().fit(data);
        assertTrue(!Files.exists(ckpt.resolve(RunDirectory.LOCK)), "the lock is released when the run ends");
        Files.writeString(ckpt.resolve(RunDirectory.LOCK), "host=another-host pid=1 started=then");
        assertThrows(IllegalStateException.class, () -> trainer(ckpt.toString()).build().fit(data));
    }

    @Test
    void metricsThatCannotBeWrittenDoNotStopTraining(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        // a directory where metrics.csv should go: every metrics write fails, training goes on
        Files.createDirectories(out.resolve("_tmp-metrics.csv").resolve("blocked"));
        TrainingResult result = DistributedTrainerTest.trainer(DistributedTrainerTest.SGD_MOMENTUM)
                .outputDir(out.toString()).build().fit(data);
        assertTrue(result.metrics().size() > 1);
        File[] files = out.toFile().listFiles();
        assertTrue(files != null && java.util.Arrays.stream(files).noneMatch(f -> f.getName().equals("metrics.csv")));
    }

    @Test
    void aCheckpointThatCannotBeWrittenStopsTheRunLoudly(@TempDir Path dir) throws IOException {
        Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
        // a non-empty directory where round 1's checkpoint must go: the write cannot complete
        Files.createDirectories(ckpt.resolve("round-000001.safetensors").resolve("in-the-way"));
        Exception e = assertThrows(IllegalStateException.class, () -> trainer(ckpt.toString()).build().fit(data));
        assertTrue(e.getMessage().startsWith("training stopped: the checkpoint for round 1 could not be written into "
                + ckpt), e.getMessage());
    }
}
