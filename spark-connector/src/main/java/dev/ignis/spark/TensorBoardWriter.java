package dev.ignis.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Scalars as a TensorBoard event file, so that {@code tensorboard --logdir DIR} shows a run:
 * {@code DIR/events.out.tfevents.<seconds>.<host>} (a new file per run; TensorBoard reads every
 * file of a directory, so a resumed run continues the curves). The file is a sequence of
 * TFRecords — little-endian uint64 length, its masked CRC-32C, the bytes, their masked CRC-32C —
 * each holding a {@code tensorflow.Event} protocol buffer: the first names the file version
 * ({@code brain.Event:2}), each later one carries one {@code Summary.Value} with a tag and a
 * {@code simple_value} at a step. Each scalar is flushed to the file system as it is added.
 */
public final class TensorBoardWriter implements AutoCloseable {
    private final FSDataOutputStream out;
    private final Path file;

    /** Opens a new event file in {@code logDir} (any Hadoop path; created if missing). */
    public TensorBoardWriter(String logDir, Configuration conf) {
        long now = System.currentTimeMillis();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        file = new Path(logDir, "events.out.tfevents." + now / 1000 + "." + host);
        try {
            FileSystem fs = file.getFileSystem(conf);
            fs.mkdirs(file.getParent());
            out = fs.create(file, false);
            ByteArrayOutputStream event = new ByteArrayOutputStream();
            wallTime(event, now / 1000.0);
            bytesField(event, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
            record(event.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("creating the TensorBoard event file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The event file. */
    public Path file() {
        return file;
    }

    /** Adds {@code value} under {@code tag} (e.g. "train/loss") at {@code step}, stamped now. */
    public void addScalar(String tag, double value, long step) {
        ByteArrayOutputStream summaryValue = new ByteArrayOutputStream();
        bytesField(summaryValue, 1, tag.getBytes(StandardCharsets.UTF_8));
        summaryValue.write(0x15);   // field 2 (simple_value), 32-bit
        summaryValue.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat((float) value).array());
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        bytesField(summary, 1, summaryValue.toByteArray());
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        wallTime(event, System.currentTimeMillis() / 1000.0);
        event.write(0x10);   // field 2 (step), varint
        varint(event, step);
        bytesField(event, 5, summary.toByteArray());
        try {
            record(event.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to the TensorBoard event file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the TensorBoard event file " + file + ": " + e.getMessage(), e);
        }
    }

    private void record(byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(maskedCrc(length));
        out.write(data);
        out.write(maskedCrc(data));
        out.hflush();
    }

    /** TFRecord's masked CRC-32C, little-endian: rotated right by 15 bits plus a constant. */
    static byte[] maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        int masked = ((c >>> 15) | (c << 17)) + 0xa282ead8;
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(masked).array();
    }

    private static void wallTime(ByteArrayOutputStream event, double seconds) {
        event.write(0x09);   // field 1 (wall_time), 64-bit
        event.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(seconds).array());
    }

    /** A length-delimited field: key (field << 3 | 2), length, bytes. */
    private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (long) field << 3 | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
