package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a TensorBoard event file back with protobuf-java's generic decoder (not the writer's own
 * code): each TFRecord's two masked CRC-32Cs are checked (the masking written out here again), each Event's fields decoded by number as
 * tensorflow/core/util/event.proto and summary.proto define them.
 */
final class TensorBoardEvents {
    /** One scalar: its tag, step and value. */
    record Scalar(String tag, long step, float value) {
    }

    /** The file version of the first event and the scalars of the others. */
    record Events(String fileVersion, List<Scalar> scalars) {
    }

    private TensorBoardEvents() {
    }

    static Events read(byte[] file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        String version = null;
        List<Scalar> scalars = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] length = new byte[8];
            in.get(length);
            assertArrayEquals(masked(length), take(in, 4), "length CRC");
            byte[] data = take(in, (int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong());
            assertArrayEquals(masked(data), take(in, 4), "data CRC");
            UnknownFieldSet event = UnknownFieldSet.parseFrom(data);
            assertEquals(1, event.getField(1).getFixed64List().size(), "wall_time");
            if (event.hasField(3)) {
                version = event.getField(3).getLengthDelimitedList().get(0).toStringUtf8();
                continue;
            }
            long step = event.getField(2).getVarintList().get(0);
            for (ByteString summaryBytes : event.getField(5).getLengthDelimitedList()) {
                UnknownFieldSet summary = UnknownFieldSet.parseFrom(summaryBytes);
                for (ByteString valueBytes : summary.getField(1).getLengthDelimitedList()) {
                    UnknownFieldSet value = UnknownFieldSet.parseFrom(valueBytes);
                    scalars.add(new Scalar(value.getField(1).getLengthDelimitedList().get(0).toStringUtf8(), step,
                            Float.intBitsToFloat(value.getField(2).getFixed32List().get(0))));
                }
            }
        }
        return new Events(version, scalars);
    }

    private static byte[] take(ByteBuffer in, int n) {
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }

    /** TFRecord's masking of a CRC-32C (tensorflow/core/lib/hash/crc32c.h's Mask), written out here again. */
    private static byte[] masked(byte[] data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        long c = crc.getValue();
        long rotated = ((c >> 15) | (c << 17)) & 0xffffffffL;
        long mask = (rotated + 0xa282ead8L) & 0xffffffffL;
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) mask).array();
    }
}
