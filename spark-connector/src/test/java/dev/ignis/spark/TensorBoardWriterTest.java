package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TensorBoard event file, decoded by protobuf-java as TensorBoard's reader would see it. */
class TensorBoardWriterTest {
    @Test
    void scalarsReadBackAsTensorBoardEvents(@TempDir Path dir) throws Exception {
        Path file;
        try (TensorBoardWriter writer = new TensorBoardWriter(dir.resolve("tb").toString(), new Configuration())) {
            writer.addScalar("train/loss", 2.5, 1);
            writer.addScalar("train/loss", 0.125, 300);
            writer.addScalar("epoch/validation_accuracy", 0.875, 1L << 40);
            file = Path.of(writer.file().toString());
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."), file.toString());
        TensorBoardEvents.Events events = TensorBoardEvents.read(Files.readAllBytes(file));
        assertEquals("brain.Event:2", events.fileVersion());
        assertEquals(List.of(new TensorBoardEvents.Scalar("train/loss", 1, 2.5f),
                new TensorBoardEvents.Scalar("train/loss", 300, 0.125f),
                new TensorBoardEvents.Scalar("epoch/validation_accuracy", 1L << 40, 0.875f)), events.scalars());
    }
}
