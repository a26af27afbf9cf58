package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.optim.SGD;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file format on the local file system: round trip and damage detection. */
class CheckpointsTest {
    @TempDir
    Path dir;

    private static Checkpoint checkpoint(int nextRound, float fill) {
        float[] w = new float[100_000];
        java.util.Arrays.fill(w, fill);
        return new Checkpoint(nextRound, 0, nextRound, w, new long[] {3}, OptimizerVector.EMPTY,
                Hyperparameters.of(new SGD(List.of(Tensor.zeros(2)), new SGD.Options().lr(0.1 * nextRound))), null, null, null,
                null, 0, 7, List.of(), null, List.of(), null, null);
    }

    @Test
    void aCheckpointReadsBackAndAFlippedByteOrATruncationFallsBackToThePreviousOne() throws IOException {
        // the raw local file system keeps no .crc files of its own, so only the checkpoint's checksum can tell
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        Checkpoints checkpoints = new Checkpoints(dir.toUri().toString(), conf, 0);
        assertNull(checkpoints.latest(), "no checkpoint yet");
        checkpoints.write(checkpoint(2, 1f));
        checkpoints.write(checkpoint(4, 2f));
        Checkpoint latest = checkpoints.latest().checkpoint();
        assertEquals(4, latest.nextRound());
        assertArrayEquals(checkpoint(4, 2f).weights(), latest.weights());
        assertEquals(0.4, latest.hyperparameters().lr(), 1e-15, "the param groups' hyperparameters come back");
        assertEquals(List.of("round-000002.ckpt", "round-000004.ckpt"),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(),
                "no temporary file left behind");

        Path newest = dir.resolve("round-000004.ckpt");
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            // a byte inside the weights: the object still deserializes, only the checksum can tell
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x10);
        }
        IOException flipped = assertThrows(IOException.class, () -> checkpoints.read(file(newest)));
        assertTrue(flipped.getMessage().startsWith("checksum mismatch"), flipped.getMessage());
        assertEquals(2, checkpoints.latest().checkpoint().nextRound(), "the previous good one");

        checkpoints.write(checkpoint(6, 3f));
        Path six = dir.resolve("round-000006.ckpt");
        try (RandomAccessFile f = new RandomAccessFile(six.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        IOException truncated = assertThrows(IOException.class, () -> checkpoints.read(file(six)));
        assertTrue(truncated.getMessage().contains("does not match the file"), truncated.getMessage());
        assertEquals(2, checkpoints.latest().checkpoint().nextRound(), "the previous good one");
    }

    @Test
    void onlyTheNewestCheckpointsAreKeptOnceANewOneIsComplete() throws IOException {
        Checkpoints checkpoints = new Checkpoints(dir.toString(), new Configuration(), 2);
        for (int round = 2; round <= 8; round += 2) {
            checkpoints.write(checkpoint(round, round));
        }
        assertEquals(List.of("round-000006.ckpt", "round-000008.ckpt"), Files.list(dir)
                .map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ckpt")).sorted().toList());
        assertEquals(8, checkpoints.latest().checkpoint().nextRound());
    }

    /** A serialized object that fails with an Error while it is read back. */
    static final class Poison implements java.io.Serializable {
        private void readObject(java.io.ObjectInputStream in) {
            throw new AssertionError("poisoned payload");
        }
    }

    @Test
    void aFileWithAGoodChecksumThatFailsToDeserialiseEvenWithAnErrorIsSkipped() throws IOException {
        Checkpoints checkpoints = new Checkpoints(dir.toString(), new Configuration(), 0);
        checkpoints.write(checkpoint(2, 1f));
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(payload)) {
            out.writeObject(new Poison());
        }
        byte[] bytes = payload.toByteArray();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        java.nio.ByteBuffer file = java.nio.ByteBuffer.allocate(8 + bytes.length + 16);
        file.putLong(0x49474e4953434b32L).put(bytes).putLong(bytes.length).putLong(crc.getValue());
        Files.write(dir.resolve("round-000004.ckpt"), file.array());
        Checkpoints.Found found = checkpoints.latest();
        assertEquals(2, found.checkpoint().nextRound(), "the poisoned round 4 is skipped for round 2");
        assertTrue(found.file().getName().equals("round-000002.ckpt"), found.file().toString());
    }

    private static org.apache.hadoop.fs.Path file(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }
}
