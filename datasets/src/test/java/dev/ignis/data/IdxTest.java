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

    @Test
    void aLyingHeaderIsRejectedWithoutAllocatingWhatItClaims(@TempDir Path dir) throws IOException {
        // 16 bytes on disk claiming 2^30 bytes, gzipped or not: an error naming both sizes, no OutOfMemoryError
        Path liar = dir.resolve("liar-idx1-ubyte");
        Files.write(liar, idx(0x00000801, new int[] {1 << 30}, new byte[8]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readLongs(liar.toString()));
        assertTrue(e.getMessage().contains("1073741824 bytes") && e.getMessage().contains("holds 8")
                && e.getMessage().contains(liar.toString()), e.getMessage());
        Path gz = dir.resolve("liar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(idx(0x00000803, new int[] {60000, 28, 28}, new byte[3]));
        }
        assertThrows(IllegalArgumentException.class, () -> Idx.readLongs(gz.toString()));
        Path overflow = dir.resolve("overflow");
        Files.write(overflow, idx(0x00000803, new int[] {1 << 20, 1 << 20, 1 << 20}, new byte[4]));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> Idx.readLongs(overflow.toString()));
        assertTrue(big.getMessage().contains("more than 2^31 bytes"), big.getMessage());
        Path negative = dir.resolve("negative");
        Files.write(negative, idx(0x00000802, new int[] {3, -4}, new byte[4]));
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> Idx.readLongs(negative.toString()));
        assertTrue(neg.getMessage().contains("dimension 1 is -4"), neg.getMessage());
    }

    @Test
    void pathsWithSpacesPercentHashAndBracketsAreRead(@TempDir Path dir) throws IOException {
        Path awkward = Files.createDirectories(dir.resolve("T-shirt top #1 [a] 50%"));
        Path file = awkward.resolve("x y%20z-idx1-ubyte");
        Files.write(file, idx(0x00000801, new int[] {2}, new byte[] {7, 9}));
        assertArrayEquals(new long[] {7, 9}, Idx.readLongs(file.toString()).toLongArray());
        assertArrayEquals(new long[] {7, 9}, Idx.readLongs("file:" + file).toLongArray());
    }
}
