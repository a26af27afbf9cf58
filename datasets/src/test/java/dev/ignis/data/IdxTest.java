package dev.ignis.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    private static byte[] idx(int magic, int[] shape, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : shape) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    @Test
    void readsPlainAndGzippedFiles(@TempDir Path dir) throws IOException {
        byte[] file = idx(0x00000803, new int[] {2, 2, 3}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
        Path plain = dir.resolve("x-idx3-ubyte");
        Files.write(plain, file);
        Path gz = dir.resolve("x-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(file);
        }
        Tensor a = Idx.readLongs(plain.toString());
        assertArrayEquals(new int[] {2, 2, 3}, a.shape());
        assertArrayEquals(Idx.readLongs(gz.toUri().toString()).toLongArray(), a.toLongArray());
        assertTrue(a.toLongArray()[11] == 255);
        Tensor f = Idx.readFloats(plain.toString(), 0.5f, 0.5f);
        assertArrayEquals(new float[] {-1f, 1f}, new float[] {f.toFloatArray()[0], f.toFloatArray()[11]}, 1e-6f);
    }

    @Test
    void wrongMagicAndTruncationAreNamed(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad");
        Files.write(bad, idx(0x00000D01, new int[] {3}, new byte[12]));
        IllegalArgumentException magic = assertThrows(IllegalArgumentException.class, () -> Idx.readLongs(bad.toString()));
        assertTrue(magic.getMessage().contains("not an unsigned-byte IDX file") && magic.getMessage().contains(bad.toString()));
        Path cut = dir.resolve("cut");
        Files.write(cut, idx(0x00000801, new int[] {10}, new byte[4]));
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> Idx.readLongs(cut.toString()));
        assertTrue(truncated.getMessage().contains("truncated IDX file"), truncated.getMessage());
    }
}
