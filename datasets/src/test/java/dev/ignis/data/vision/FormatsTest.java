package dev.ignis.data.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every extension ImageFolder lists by default decodes to the pixels written (lossless formats
 * exactly, JPEG within its loss); 16-bit gray keeps its linear values; TIFF decodes again and
 * again on one thread; Netpbm is read by Ignis; WebP, which nothing here decodes, is not listed.
 */
class FormatsTest {
    /** A 2×1 image: pixel (0, 0) = (200, 100, 50), pixel (1, 0) = (10, 20, 30). */
    private static BufferedImage rgb() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, (200 << 16) | (100 << 8) | 50);
        img.setRGB(1, 0, (10 << 16) | (20 << 8) | 30);
        return img;
    }

    private static byte[] write(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "the JDK writes " + format);
        return out.toByteArray();
    }

    private static final float[] RGB = {200, 100, 50, 10, 20, 30};

    private static void assertPixels(float[] want, Image img, float tolerance, String what) {
        float[] got = img.pixels().toFloatArray();
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tolerance, what + " value " + i);
        }
    }

    /** The same picture in every format ImageFolder lists, by extension. */
    private static Map<String, byte[]> everyFormat() throws IOException {
        byte[] ppm = concat("P6\n# a comment\n2 1\n255\n".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 200, 100, 50, 10, 20, 30});
        byte[] pgm = "P2\n2 1\n65535\n51400 2570\n".getBytes(StandardCharsets.US_ASCII);
        return Map.of(".png", write(rgb(), "png"), ".jpg", write(uniform(), "jpeg"), ".jpeg", write(uniform(), "jpeg"),
                ".bmp", write(rgb(), "bmp"), ".gif", write(rgb(), "gif"), ".tif", write(rgb(), "tiff"),
                ".tiff", write(rgb(), "tiff"), ".ppm", ppm, ".pgm", pgm);
    }

    /** 16×16 pixels of (200, 100, 50): what JPEG, which mixes the colour of neighbouring pixels, keeps. */
    private static BufferedImage uniform() {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, (200 << 16) | (100 << 8) | 50);
            }
        }
        return img;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void everyListedExtensionDecodes() throws IOException {
        Map<String, byte[]> files = everyFormat();
        assertEquals(ImageFolder.IMG_EXTENSIONS, files.keySet(), "a file of every listed extension is tested");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Image img = ImageDecoder.decode(f.getValue(), "RGB");
            if (f.getKey().equals(".pgm")) {
                // gray 51400/65535·255 = 200, 2570/65535·255 = 10
                assertPixels(new float[] {200, 200, 200, 10, 10, 10}, img, 0f, ".pgm");
            } else if (f.getKey().startsWith(".jp")) {
                float[] want = new float[16 * 16 * 3];
                for (int p = 0; p < 256; p++) {
                    want[3 * p] = 200;
                    want[3 * p + 1] = 100;
                    want[3 * p + 2] = 50;
                }
                assertPixels(want, img, 4f, f.getKey());
            } else {
                assertPixels(RGB, img, 0f, f.getKey());
            }
        }
    }

    @Test
    void sixteenBitGrayKeepsItsLinearValues() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0);
        img.getRaster().setSample(1, 0, 0, 32768);
        img.getRaster().setSample(2, 0, 0, 65535);
        for (String format : List.of("png", "tiff")) {
            Image gray = ImageDecoder.decode(write(img, format), "L");
            // linear: 32768·255/65535 = 127.5 → 128, where the sRGB curve would give about 188
            assertPixels(new float[] {0, 128, 255}, gray, 0f, "16-bit " + format);
        }
        byte[] pgm16 = concat("P5 3 1 65535 ".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 0, (byte) 0x80, 0, (byte) 0xff, (byte) 0xff});
        assertPixels(new float[] {0, 128, 255}, ImageDecoder.decode(pgm16, "L"), 0f, "16-bit PGM");
    }

    @Test
    void tiffsDecodeAgainAndAgainOnOneThread() throws IOException {
        byte[] tiff = write(rgb(), "tiff");
        for (int i = 0; i < 5; i++) {
            assertPixels(RGB, ImageDecoder.decode(tiff, "RGB"), 0f, "TIFF, decode " + i);
        }
    }

    @Test
    void netpbmHeadersThatLieAreRefused() {
        byte[] shortP6 = "P6 4 4 255 \u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(shortP6, "RGB"));
        assertTrue(e.getMessage().contains("truncated PPM") && e.getMessage().contains("holds 2"), e.getMessage());
        IOException big = assertThrows(IOException.class,
                () -> ImageDecoder.decode("P5 100000 100000 255 x".getBytes(StandardCharsets.US_ASCII), "L"));
        assertTrue(big.getMessage().contains("over the limit"), big.getMessage());
    }

    @Test
    void webpIsNotListed(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("c"));
        Files.write(dir.resolve("c/a.png"), write(rgb(), "png"));
        Files.write(dir.resolve("c/b.webp"), new byte[] {'R', 'I', 'F', 'F'});
        ImageFolder ds = new ImageFolder(dir.toString(), new ImageFolder.Options());
        Set<String> names = new HashSet<>();
        ds.samples().forEach(s -> names.add(Path.of(s.path().replaceFirst("^file:", "")).getFileName().toString()));
        assertEquals(Set.of("a.png"), names);
        assertArrayEquals(new int[] {1, 2, 3}, ImageDecoder.decode(write(rgb(), "png"), "RGB").pixels().shape());
    }
}
