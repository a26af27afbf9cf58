package dev.ignis.spark;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float and double arrays written to and read from Java serialization streams as raw
 * little-endian chunks (a length, -1 for null, then the values). Java serialization writes a
 * primitive array element by element, about three times slower than these bulk copies at the few
 * megabytes a round sends out and back (the weights and optimizer values). Used inside
 * {@link java.io.Externalizable} forms.
 */
final class BulkArrays {
    /** Elements per bulk copy (512 KiB of doubles): the buffer stays small whatever the array's size. */
    private static final int CHUNK = 1 << 16;

    private BulkArrays() {
    }

    static void write(ObjectOutput out, float[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            writeChunks(out, values.length, 4, (buffer, at, len) -> buffer.asFloatBuffer().put(values, at, len));
        }
    }

    static void write(ObjectOutput out, double[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            writeChunks(out, values.length, 8, (buffer, at, len) -> buffer.asDoubleBuffer().put(values, at, len));
        }
    }

    /**
     * {@code values} written as float32 (each rounded), to be read back by
     * {@link #readFloatsAsDoubles}: half the bytes where the values are float32 widened to double.
     */
    static void writeAsFloats(ObjectOutput out, double[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            writeChunks(out, values.length, 4, (buffer, at, len) -> {
                for (int i = 0; i < len; i++) {
                    buffer.putFloat((float) values[at + i]);
                }
            });
        }
    }

    /** An array written by {@link #write(ObjectOutput, float[])}. */
    static float[] readFloats(ObjectInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] values = new float[n];
        readChunks(in, n, 4, (buffer, at, len) -> buffer.asFloatBuffer().get(values, at, len));
        return values;
    }

    /** An array written by {@link #write(ObjectOutput, double[])}. */
    static double[] readDoubles(ObjectInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        double[] values = new double[n];
        readChunks(in, n, 8, (buffer, at, len) -> buffer.asDoubleBuffer().get(values, at, len));
        return values;
    }

    /** An array written by {@link #writeAsFloats}, each value widened back to double. */
    static double[] readFloatsAsDoubles(ObjectInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        double[] values = new double[n];
        readChunks(in, n, 4, (buffer, at, len) -> {
            for (int i = 0; i < len; i++) {
                values[at + i] = buffer.getFloat();
            }
        });
        return values;
    }

    /** Moves elements [at, at + len) of an array into or out of {@code buffer}, from its position 0. */
    private interface ChunkCopy {
        void copy(ByteBuffer buffer, int at, int len);
    }

    /** Writes {@code n} elements, one buffer-full of at most {@link #CHUNK} at a time, as {@code fill} puts them. */
    private static void writeChunks(ObjectOutput out, int n, int bytesPerElement, ChunkCopy fill) throws IOException {
        ByteBuffer buffer = buffer(n, bytesPerElement);
        for (int at = 0; at < n; at += CHUNK) {
            int len = Math.min(CHUNK, n - at);
            buffer.clear();
            fill.copy(buffer, at, len);
            out.write(buffer.array(), 0, bytesPerElement * len);
        }
    }

    /** Reads {@code n} elements a buffer-full at a time, handing each to {@code drain}. */
    private static void readChunks(ObjectInput in, int n, int bytesPerElement, ChunkCopy drain) throws IOException {
        ByteBuffer buffer = buffer(n, bytesPerElement);
        for (int at = 0; at < n; at += CHUNK) {
            int len = Math.min(CHUNK, n - at);
            in.readFully(buffer.array(), 0, bytesPerElement * len);
            buffer.clear();
            drain.copy(buffer, at, len);
        }
    }

    private static ByteBuffer buffer(int elements, int bytesPerElement) {
        return ByteBuffer.allocate(Math.min(CHUNK, Math.max(elements, 1)) * bytesPerElement).order(ByteOrder.LITTLE_ENDIAN);
    }
}
