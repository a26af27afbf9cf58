package dev.ignis.data.vision;

import dev.ignis.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG, BMP and GIF into RGB or grayscale {@link Image}s: common PNGs with
 * {@link PngDecoder}, everything else with javax.imageio.
 *
 * <p>Loading is usually the bottleneck of a DataLoader, so this avoids what {@code ImageIO.read}
 * does per call: the format comes from the file's magic bytes and each thread keeps one reader per
 * format (ImageIO's service-registry lookup takes locks and allocates), the bytes are decoded from
 * memory through a stream that registers no disposer, and 8-bit gray or RGB rasters are copied out a row at a time.
 */
public final class ImageDecoder {
    private static final ThreadLocal<Map<String, ImageReader>> READERS = ThreadLocal.withInitial(HashMap::new);

    static {
        // ImageIO otherwise buffers every stream through a temporary file, which serialises
        // DataLoader workers on the disk
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {
    }

    /**
     * @param mode "RGB" or "L" (grayscale, ITU-R 601 luma as PIL's convert("L"))
     * @throws IOException when the bytes are not a readable image
     */
    public static Image decode(InputStream in, String mode) throws IOException {
        return decode(in.readAllBytes(), mode);
    }

    /** {@link #decode(InputStream, String)} of a file's whole contents. */
    public static Image decode(byte[] bytes, String mode) throws IOException {
        boolean gray = mode.equals("L");
        if (!gray && !mode.equals("RGB")) {
            throw new IllegalArgumentException("image mode must be RGB or L, got " + mode);
        }
        int[] dims = new int[2];
        float[] fast = PnmDecoder.isPnm(bytes) ? PnmDecoder.decode(bytes, gray, dims)
                : PngDecoder.decode(bytes, gray, dims);
        if (fast != null) {
            return new Image(Tensor.wrap(fast, dims[0], dims[1], gray ? 1 : 3));
        }
        BufferedImage img = read(bytes);
        int h = img.getHeight();
        int w = img.getWidth();
        int c = gray ? 1 : 3;
        float[] v = new float[h * w * c];
        Raster raster = img.getRaster();
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            copyGray(raster, w, h, c, v);
        } else if (raster.getNumBands() == 1 && raster.getSampleModel().getSampleSize(0) == 16) {
            copyGray16(raster, w, h, c, v);
        } else if (img.getType() == BufferedImage.TYPE_3BYTE_BGR && raster.getNumBands() == 3) {
            copyRgbBands(raster, w, h, gray, v);
        } else {
            copyViaColorModel(img, w, h, gray, v);
        }
        return new Image(Tensor.wrap(v, h, w, c));
    }

    private static BufferedImage read(byte[] bytes) throws IOException {
        String format = formatOf(bytes);
        ImageInputStream stream = new ByteArrayImageInputStream(bytes);
        try {
            ImageReader reader = format == null ? null : READERS.get().computeIfAbsent(format, ImageDecoder::newReader);
            boolean probed = reader == null;
            if (probed) {
                Iterator<ImageReader> candidates = ImageIO.getImageReaders(stream);
                if (!candidates.hasNext()) {
                    throw new IOException("not a readable image (no ImageIO reader recognised it)");
                }
                reader = candidates.next();
            }
            reader.setInput(stream, true, true);
            try {
                // the header's size first: a bomb is refused before its raster is allocated
                ImageLimits.check(reader.getFormatName(), reader.getWidth(0), reader.getHeight(0));
                return reader.read(0);
            } finally {
                reader.setInput(null);
                if (probed) {
                    reader.dispose();
                }
            }
        } finally {
            stream.close();
        }
    }

    private static ImageReader newReader(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        return readers.hasNext() ? readers.next() : null;
    }

    /** The format named by the leading magic bytes, or null to let ImageIO probe. */
    private static String formatOf(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "jpeg";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return "bmp";
        }
        if (b.length >= 4 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "gif";
        }
        return null;
    }

    private static void copyGray(Raster raster, int w, int h, int c, float[] v) {
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            int at = y * w * c;
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    v[at++] = row[x];
                }
            }
        }
    }

    /**
     * 16-bit gray (PNG, TIFF) scaled linearly to 0..255, v·255/65535 rounded: its values are linear,
     * and going through the colour model would apply the sRGB curve to them.
     */
    private static void copyGray16(Raster raster, int w, int h, int c, float[] v) {
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            int at = y * w * c;
            for (int x = 0; x < w; x++) {
                float value = Math.round(row[x] * 255.0 / 65535);
                for (int k = 0; k < c; k++) {
                    v[at++] = value;
                }
            }
        }
    }

    /** A 3-band 8-bit raster stores R, G, B as bands 0, 1, 2 whatever its byte order. */
    private static void copyRgbBands(Raster raster, int w, int h, boolean gray, float[] v) {
        int[] row = new int[w * 3];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                put(v, y * w + x, row[3 * x], row[3 * x + 1], row[3 * x + 2], gray);
            }
        }
    }

    private static void copyViaColorModel(BufferedImage img, int w, int h, boolean gray, float[] v) {
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                put(v, y * w + x, (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, gray);
            }
        }
    }

    /** PIL's {@code convert("L")} of one pixel: ITU-R 601 luma (r·299 + g·587 + b·114) / 1000, rounded; 0..255. */
    public static float luma(int r, int g, int b) {
        return (float) Math.floor((r * 299 + g * 587 + b * 114) / 1000.0 + 0.5);
    }

    private static void put(float[] v, int pixel, int r, int g, int b, boolean gray) {
        if (gray) {
            v[pixel] = luma(r, g, b);
        } else {
            v[3 * pixel] = r;
            v[3 * pixel + 1] = g;
            v[3 * pixel + 2] = b;
        }
    }
}
