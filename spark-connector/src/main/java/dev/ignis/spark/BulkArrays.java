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
        if (values == null) {
            return;
        }
        ByteBuffer buffer = buffer(values.length, 4);
        for (int at = 0; at < values.length; at += CHUNK) {
            int len = Math.min(CHUNK, values.length - at);
            buffer.clear();
            buffer.asFloatBuffer().put(values, at, len);
            out.write(buffer.array(), 0, 4 * len);
        }
    }

    static void write(ObjectOutput out, double[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values == null) {
            return;
        }
        ByteBuffer buffer = buffer(values.length, 8);
        for (int at = 0; at < values.length; at += CHUNK) {
            int len = Math.min(CHUNK, values.length - at);
            buffer.clear();
            buffer.asDoubleBuffer().put(values, at, len);
            out.write(buffer.array(), 0, 8 * len);
        }
    }

    /** An array written by {@link #write(ObjectOutput, float[])}. */
    static float[] readFloats(ObjectInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] values = new float[n];
        ByteBuffer buffer = buffer(n, 4);
        for (int at = 0; at < n; at += CHUNK) {
            int len = Math.min(CHUNK, n - at);
            in.readFully(buffer.array(), 0, 4 * len);
            buffer.clear();
            buffer.asFloatBuffer().get(values, at, len);
        }
        return values;
    }

    /** An array written by {@link #write(ObjectOutput, double[])}. */
    static double[] readDoubles(ObjectInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        double[] values = new double[n];
        ByteBuffer buffer = buffer(n, 8);
        for (int at = 0; at < n; at += CHUNK) {
            int len = Math.min(CHUNK, n - at);
            in.readFully(buffer.array(), 0, 8 * len);
            buffer.clear();
            buffer.asDoubleBuffer().get(values, at, len);
        }
        return values;
    }

    private static ByteBuffer buffer(int elements, int bytesPerElement) {
        return ByteBuffer.allocate(Math.min(CHUNK, Math.max(elements, 1)) * bytesPerElement).order(ByteOrder.LITTLE_ENDIAN);
    }
}
