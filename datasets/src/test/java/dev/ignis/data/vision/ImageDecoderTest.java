package dev.ignis.data.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private static final int W = 37;
    private static final int H = 23;

    /** Smooth ramps plus noise, so the PNG writer's adaptive filtering uses every row filter. */
    private static BufferedImage pattern(int type) {
        BufferedImage img = new BufferedImage(W, H, type);
        java.util.Random noise = new java.util.Random(1);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int r = (6 * x + (y % 3 == 0 ? noise.nextInt(40) : 0)) & 0xff;
                int g = (11 * y + (x % 4 == 0 ? noise.nextInt(60) : 0)) & 0xff;
                int b = (3 * (x + y) + noise.nextInt(8)) & 0xff;
                img.setRGB(x, y, 0xff000000 | r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** What the written file decodes to through ImageIO's own colour conversion. */
    private static float[] expected(byte[] file, boolean gray) throws IOException {
        BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(file));
        float[] v = new float[W * H * (gray ? 1 : 3)];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = y * W + x;
                if (back.getType() == BufferedImage.TYPE_BYTE_GRAY) {
                    int g = back.getRaster().getSample(x, y, 0);
                    if (gray) {
                        v[p] = g;
                    } else {
                        v[3 * p] = g;
                        v[3 * p + 1] = g;
                        v[3 * p + 2] = g;
                    }
                    continue;
                }
                int rgb = back.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (gray) {
                    v[p] = (float) Math.floor((r * 299 + g * 587 + b * 114) / 1000.0 + 0.5);
                } else {
                    v[3 * p] = r;
                    v[3 * p + 1] = g;
                    v[3 * p + 2] = b;
                }
            }
        }
        return v;
    }

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({"png, 1", "png, 2", "png, 10", "png, 13", "jpeg, 1", "bmp, 1", "bmp, 5", "gif, 13", "png, 6"})
    void decodesEveryFormatAndLayoutLikeImageIo(String format, int type) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BufferedImage src = pattern(type);
        if (!ImageIO.write(src, format, out)) {
            throw new IllegalStateException("no writer for " + format + " type " + type);
        }
        byte[] file = out.toByteArray();
        if (format.equals("png")) {
            assertNotNull(PngDecoder.decode(file, false, new int[2]), "8-bit PNGs take the fast path");
        }
        for (String mode : new String[] {"RGB", "L"}) {
            Image img = ImageDecoder.decode(file, mode);
            assertArrayEquals(new int[] {H, W, mode.equals("L") ? 1 : 3}, img.pixels().shape());
            assertArrayEquals(expected(file, mode.equals("L")), img.pixels().toFloatArray(), mode);
        }
    }

    @Test
    void garbageAndUnknownModesAreRejected() throws IOException {
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(new byte[] {1, 2, 3, 4}, "RGB"));
        assertEquals("not a readable image (no ImageIO reader recognised it)", e.getMessage());
        byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};
        assertThrows(IOException.class, () -> ImageDecoder.decode(png, "RGB"), "a truncated PNG");
        assertThrows(IllegalArgumentException.class, () -> ImageDecoder.decode(new byte[0], "CMYK"));
    }
}
