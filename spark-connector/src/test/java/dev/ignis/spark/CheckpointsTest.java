package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.BatchNorm1d;
import dev.ignis.nn.F;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.Safetensors;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.Adam;
import dev.ignis.optim.lr.StepLR;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint file format on the local file system: a safetensors file under documented keys
 * with the rest as JSON metadata, every field's round trip, damage detection and retention.
 */
class CheckpointsTest {
    private static final Supplier<Module> FACTORY = () -> new Sequential(new Linear(4, 3, true, new Generator(1)),
            new BatchNorm1d(3));

    @TempDir
    Path dir;

    /** A checkpoint as a run writes one: trained weights, Adam's state, a StepLR, SWA and the best epoch. */
    private static Checkpoint checkpoint(int nextRound) {
        Module model = FACTORY.get();
        Adam adam = new Adam(model.parameters(), new Adam.Options().lr(0.01 * nextRound));
        StepLR scheduler = new StepLR(adam, 2);
        Tensor x = Tensor.randn(new Generator(nextRound), 8, 4);
        for (int step = 0; step < nextRound; step++) {
            adam.zeroGrad();
            F.mseLoss(model.call(x), Tensor.zeros(8, 3), dev.ignis.nn.Reduction.MEAN).backward();
            adam.step();
            scheduler.step();
        }
        float[] weights = ModelVector.weights(model);
        float[] swa = weights.clone();
        swa[0] += 1;
        List<RoundMetrics> metrics = List.of(new RoundMetrics(0, 0, 0.01, 1.5, Double.NaN, 8, 0.25, 0.1, 1024));
        List<EpochMetrics> epochs = List.of(new EpochMetrics(0, 1.5, 0.5, Double.NaN, Double.NaN));
        return new Checkpoint(nextRound, 1, nextRound % 2, weights, ModelVector.counters(model),
                OptimizerVector.of(adam), Hyperparameters.of(adam), scheduler.stateDict(), null, swa,
                ModelVector.counters(model), 3, 7, metrics, new RunSettings(7, 2, 8, 3, List.of(8, 8), "arch"), epochs,
                weights.clone(), ModelVector.counters(model));
    }

    @Test
    void everyFieldReadsBackFromTheDocumentedKeys() {
        Checkpoints checkpoints = new Checkpoints(dir.toString(), new Configuration(), 0, FACTORY);
        Checkpoint written = checkpoint(4);
        org.apache.hadoop.fs.Path file = checkpoints.write(written);
        assertEquals("round-000004.safetensors", file.getName());

        Map<String, Tensor> tensors = Safetensors.load(file.toString());
        for (String key : List.of("model.0.weight", "model.0.bias", "model.1.running_mean", "model.1.num_batches_tracked",
                "optimizer.state.0.exp_avg", "optimizer.state.0.exp_avg_sq", "optimizer.state.0.step",
                "swa_model.0.weight", "best_model.1.running_var")) {
            assertTrue(tensors.containsKey(key), key + " in " + tensors.keySet());
        }
        assertEquals(CheckpointFormat.FORMAT, Safetensors.metadata(file.toString(), new Configuration()).get("format"));

        Checkpoint read = checkpoints.latest().checkpoint();
        assertEquals(4, read.nextRound());
        assertEquals(1, read.epoch());
        assertEquals(0, read.roundInEpoch());
        assertArrayEquals(written.weights(), read.weights());
        assertArrayEquals(written.counters(), read.counters());
        assertEquals(written.optimizer().layout().size(), read.optimizer().layout().size());
        for (int i = 0; i < written.optimizer().layout().size(); i++) {
            OptimizerVector.Slot w = written.optimizer().layout().get(i);
            OptimizerVector.Slot r = read.optimizer().layout().get(i);
            assertEquals(List.of(w.param(), w.key(), w.dtype()), List.of(r.param(), r.key(), r.dtype()));
            assertArrayEquals(w.shape(), r.shape());
        }
        assertArrayEquals(written.optimizer().values(), read.optimizer().values());
        assertEquals(written.hyperparameters().toString(), read.hyperparameters().toString());
        assertTrue(read.hyperparameters().groups().get(0).get("betas") instanceof double[], "betas stay a pair");
        assertEquals(written.schedulerState(), read.schedulerState());
        assertNull(read.swaSchedulerState());
        assertArrayEquals(written.swaWeights(), read.swaWeights());
        assertEquals(3, read.swaCount());
        assertEquals(7, read.seed());
        assertEquals(written.metrics(), read.metrics(), "NaN accuracy included");
        assertEquals(written.epochMetrics(), read.epochMetrics());
        assertEquals(written.settings(), read.settings());
        assertArrayEquals(written.bestWeights(), read.bestWeights());

        // the optimizer state goes back into an optimizer as PyTorch's state_dict()["state"] would
        Module model = FACTORY.get();
        Adam restored = new Adam(model.parameters(), new Adam.Options());
        read.optimizer().loadInto(restored);
        assertEquals(written.optimizer().values().length, OptimizerVector.of(restored).values().length);
    }

    @Test
    void aFlippedByteOrATruncationFallsBackToThePreviousCheckpoint() throws IOException {
        // the raw local file system keeps no .crc files of its own, so only the checkpoint's checksum can tell
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        Checkpoints checkpoints = new Checkpoints(dir.toUri().toString(), conf, 0, FACTORY);
        assertNull(checkpoints.latest(), "no checkpoint yet");
        checkpoints.write(checkpoint(2));
        checkpoints.write(checkpoint(4));
        assertEquals(4, checkpoints.latest().checkpoint().nextRound());
        assertEquals(List.of("round-000002.safetensors", "round-000004.safetensors"),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left behind");

        Path newest = dir.resolve("round-000004.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            // the last byte belongs to a tensor's values: the file still parses, only the checksum can tell
            f.seek(f.length() - 1);
            int b = f.read();
            f.seek(f.length() - 1);
            f.write(b ^ 0x10);
        }
        IllegalArgumentException flipped = assertThrows(IllegalArgumentException.class,
                () -> checkpoints.read(new org.apache.hadoop.fs.Path(newest.toUri())));
        assertTrue(flipped.getMessage().startsWith("checksum mismatch"), flipped.getMessage());
        assertEquals(2, checkpoints.latest().checkpoint().nextRound(), "the previous good one");

        checkpoints.write(checkpoint(6));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("round-000006.safetensors").toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertEquals(2, checkpoints.latest().checkpoint().nextRound(), "the truncated one is skipped too");
    }

    @Test
    void onlyTheNewestCheckpointsAreKeptOnceANewOneIsComplete() throws IOException {
        Checkpoints checkpoints = new Checkpoints(dir.toString(), new Configuration(), 2, FACTORY);
        for (int round = 2; round <= 8; round += 2) {
            checkpoints.write(checkpoint(round));
        }
        assertEquals(List.of("round-000006.safetensors", "round-000008.safetensors"), Files.list(dir)
                .map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors")).sorted().toList());
        assertEquals(8, checkpoints.latest().checkpoint().nextRound());
    }

    @Test
    void aFileForAnotherModelIsSkippedNamingTheKeys() {
        Checkpoints other = new Checkpoints(dir.toString(), new Configuration(), 0,
                () -> new Sequential(new Linear(4, 5, true, new Generator(1))));
        Checkpoints ours = new Checkpoints(dir.toString(), new Configuration(), 0, FACTORY);
        ours.write(checkpoint(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.read(new org.apache.hadoop.fs.Path(dir.resolve("round-000002.safetensors").toUri())));
        assertTrue(e.getMessage().contains("1.running_mean") || e.getMessage().contains("0.weight"), e.getMessage());
        assertNull(other.latest(), "no checkpoint of this model");
    }
}
