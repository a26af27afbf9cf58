package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Arrays written in bulk chunks read back bit for bit, across chunk boundaries, between other
 * values of the same stream (as the round's broadcast and results carry them).
 */
class BulkArraysTest {
    @Test
    void arraysOfSeveralChunksReadBackBitForBitBetweenOtherValues() throws Exception {
        Random random = new Random(3);
        // three chunks of 65,536 and a short fourth one; every bit pattern kind, NaN payloads included
        float[] floats = new float[3 * 65_536 + 17];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = Float.intBitsToFloat(random.nextInt());
        }
        floats[5] = -0.0f;
        floats[6] = Float.intBitsToFloat(0x7fc00123);
        double[] doubles = new double[65_536 + 1];
        for (int i = 0; i < doubles.length; i++) {
            doubles[i] = Double.longBitsToDouble(random.nextLong());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            BulkArrays.write(out, floats);
            out.writeInt(42);
            BulkArrays.write(out, (float[]) null);
            BulkArrays.write(out, new double[0]);
            BulkArrays.write(out, doubles);
            out.writeObject("end");
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertArrayEquals(bits(floats), bits(BulkArrays.readFloats(in)));
            assertEquals(42, in.readInt());
            assertNull(BulkArrays.readFloats(in));
            assertEquals(0, BulkArrays.readDoubles(in).length);
            double[] back = BulkArrays.readDoubles(in);
            for (int i = 0; i < doubles.length; i++) {
                assertEquals(Double.doubleToRawLongBits(doubles[i]), Double.doubleToRawLongBits(back[i]), "element " + i);
            }
            assertEquals("end", in.readObject());
        }
    }

    @Test
    void doublesWrittenAsFloatsComeBackAsTheirFloat32Roundings() throws Exception {
        Random random = new Random(5);
        double[] values = new double[65_536 + 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * 1e3;
        }
        values[0] = 1.0 + 1e-12;   // not a float32: rounds to 1
        values[1] = 1e300;         // beyond float32: infinity
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            BulkArrays.writeAsFloats(out, values);
            BulkArrays.writeAsFloats(out, null);
            out.writeInt(7);
        }
        assertTrue(bytes.size() < 5 * values.length, "about four bytes a value, not eight");
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            double[] back = BulkArrays.readFloatsAsDoubles(in);
            assertEquals(values.length, back.length);
            for (int i = 0; i < values.length; i++) {
                assertEquals((double) (float) values[i], back[i], "element " + i);
            }
            assertEquals(1.0, back[0]);
            assertEquals(Double.POSITIVE_INFINITY, back[1]);
            assertNull(BulkArrays.readFloatsAsDoubles(in));
            assertEquals(7, in.readInt());
        }
    }

    private static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = Float.floatToRawIntBits(values[i]);
        }
        return b;
    }
}
