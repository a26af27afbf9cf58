package dev.ignis.data.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images whose headers claim far more than their files hold are refused from the header, before a
 * pixel buffer is allocated: an error naming the claimed size and the limit, never an
 * OutOfMemoryError, and ImageFolder names the file and can skip it.
 */
class DecompressionBombTest {
    /** An 8-bit grayscale PNG of the given header size whose image data is {@code rows} deflated zero rows. */
    private static byte[] png(int width, int height, int rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[rows * (width + 1)]);
        deflater.finish();
        byte[] compressed = new byte[1024];
        int n = deflater.deflate(compressed);
        chunk(out, "IDAT", java.util.Arrays.copyOf(compressed, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A GIF whose screen and only image claim width × height, with one byte of image data. */
    private static byte[] gif(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putShort((short) width).putShort((short) height).put((byte) 0).put((byte) 0).put((byte) 0);
        b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height)
                .put((byte) 0);
        b.put((byte) 2).put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0x3B);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void aPngHeaderOverThePixelLimitIsRefusedFirst() throws IOException {
        byte[] bomb = png(100_000, 100_000, 1);
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(bomb, "RGB"));
        assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("over the limit of 178956970"),
                e.getMessage());
    }

    @Test
    void aPngClaimingMorePixelsThanItsDataCanHoldIsRefusedBeforeAllocating() throws IOException {
        byte[] bomb = png(1, 10_000_000, 1);   // about 60 bytes claiming 20 MB of rows
        assertTrue(bomb.length < 100, "a " + bomb.length + "-byte file");
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(bomb, "L"));
        assertTrue(e.getMessage().contains("can hold at most"), e.getMessage());
        assertEquals(1, ImageDecoder.decode(png(1, 3, 3), "L").height() / 3, "an honest PNG still decodes");
    }

    @Test
    void otherFormatsAreCheckedFromTheirHeaderToo() {
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(gif(60_000, 60_000), "RGB"));
        assertTrue(e.getMessage().contains("gif header claims a 60000x60000 image") && e.getMessage().contains("limit"),
                e.getMessage());
    }

    @Test
    void theLimitIsConfigurable() throws IOException {
        byte[] small = png(8, 8, 8);
        System.setProperty("ignis.image.maxPixels", "63");
        try {
            IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(small, "L"));
            assertTrue(e.getMessage().contains("over the limit of 63"), e.getMessage());
            System.setProperty("ignis.image.maxPixels", "lots");
            assertThrows(IllegalArgumentException.class, ImageLimits::maxPixels);
        } finally {
            System.clearProperty("ignis.image.maxPixels");
        }
        assertEquals(8, ImageDecoder.decode(small, "L").width());
    }

    @Test
    void imageFolderNamesTheBombAndSkipsItWhenAsked(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("cls"));
        Files.write(dir.resolve("cls/bomb.png"), png(100_000, 100_000, 1));
        Files.write(dir.resolve("cls/ok.png"), png(2, 2, 2));
        ImageFolder strict = new ImageFolder(dir.toString(), new ImageFolder.Options());
        RuntimeException e = assertThrows(RuntimeException.class, () -> strict.get(0));
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("over the limit"), e.getMessage());
        ImageFolder skipping = new ImageFolder(dir.toString(), new ImageFolder.Options().skipBadFiles(true));
        skipping.get(0);
        assertEquals(1, skipping.badFiles());
        assertTrue(!(e instanceof UncheckedIOException) || e.getMessage().contains("bomb.png"));
    }
}
