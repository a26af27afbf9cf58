package dev.ignis.data.vision;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A fast path for the PNGs datasets are made of: non-interlaced, 8 bits per sample, gray, RGB,
 * palette, gray+alpha or RGBA. Alpha is dropped (as PIL's {@code convert("RGB")}/{@code "L"} do);
 * gray samples are taken as they are stored. Anything else returns null so the caller falls back
 * to ImageIO.
 *
 * <p>Why not ImageIO for these: its PNG reader allocates tens of kilobytes of buffers per image
 * (an 8 KB buffer per stream object, one stream per IDAT chunk, a fresh Inflater with a Cleaner),
 * and that garbage, not the decoding, limited DataLoader workers. Here each thread reuses one
 * Inflater and the only allocations are the inflated rows and the output.
 */
final class PngDecoder {
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};

    private PngDecoder() {
    }

    /**
     * @param gray true for one luma channel (ITU-R 601 of RGB, rounded half up), false for RGB
     * @return [H·W·C] samples 0..255 with {@code dims} set to {H, W}, or null when the file needs ImageIO
     * @throws IOException when the file is a PNG but a broken one
     */
    /** The most bytes deflate can produce per compressed byte (its limit is 1032:1). */
    private static final long MAX_DEFLATE_RATIO = 1032;

    static float[] decode(byte[] png, boolean gray, int[] dims) throws IOException {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (png.length < SIGNATURE.length || png[i] != SIGNATURE[i]) {
                return null;
            }
        }
        int pos = SIGNATURE.length;
        int width = 0;
        int height = 0;
        int colorType = -1;
        byte[] palette = null;
        byte[] idat = new byte[png.length];
        int idatLength = 0;
        while (true) {
            if (pos + 8 > png.length) {
                throw new IOException("truncated PNG: chunk header at byte " + pos + " of " + png.length);
            }
            int length = readInt(png, pos);
            int type = readInt(png, pos + 4);
            int data = pos + 8;
            if (length < 0 || data + length + 4 > png.length) {
                throw new IOException("truncated PNG: chunk of " + length + " bytes at byte " + pos + " of " + png.length);
            }
            switch (type) {
                case 0x49484452 -> {   // IHDR
                    width = readInt(png, data);
                    height = readInt(png, data + 4);
                    ImageLimits.check("PNG", Integer.toUnsignedLong(width), Integer.toUnsignedLong(height));
                    int bitDepth = png[data + 8];
                    colorType = png[data + 9];
                    int interlace = png[data + 12];
                    if (bitDepth != 8 || interlace != 0 || width <= 0 || height <= 0
                            || (colorType != 0 && colorType != 2 && colorType != 3 && colorType != 4 && colorType != 6)
                            || (long) width * height > Integer.MAX_VALUE / 4) {
                        return null;
                    }
                }
                case 0x504c5445 -> {   // PLTE
                    palette = new byte[768];
                    System.arraycopy(png, data, palette, 0, Math.min(length, 768));
                }
                case 0x49444154 -> {   // IDAT
                    System.arraycopy(png, data, idat, idatLength, length);
                    idatLength += length;
                }
                case 0x49454e44 -> {   // IEND
                    return pixels(idat, idatLength, width, height, colorType, palette, gray, dims);
                }
                default -> {
                    // ancillary chunks (gAMA, tEXt, pHYs, tRNS, ...) do not change the stored samples
                }
            }
            pos = data + length + 4;   // skip the CRC
        }
    }

    private static float[] pixels(byte[] idat, int idatLength, int width, int height, int colorType, byte[] palette,
                                  boolean gray, int[] dims) throws IOException {
        if (colorType < 0) {
            throw new IOException("PNG without an IHDR chunk");
        }
        if (colorType == 3 && palette == null) {
            throw new IOException("palette PNG without a PLTE chunk");
        }
        int samples = switch (colorType) {
            case 0, 3 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
        int stride = width * samples;
        long rawLength = (long) height * (stride + 1);
        // deflate expands at most about 1032:1, so more claimed pixel data than that is a lie
        if (rawLength > MAX_DEFLATE_RATIO * idatLength + 1024) {
            throw new IOException("PNG header claims " + width + "x" + height + " pixels (" + rawLength
                    + " bytes of image data) but its " + idatLength + " bytes of compressed data can hold at most "
                    + (MAX_DEFLATE_RATIO * idatLength + 1024));
        }
        byte[] raw = new byte[(int) rawLength];
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        inflater.setInput(idat, 0, idatLength);
        try {
            int done = 0;
            while (done < raw.length) {
                int n = inflater.inflate(raw, done, raw.length - done);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("truncated PNG: image data ends after " + done + " of " + raw.length + " bytes");
                }
                done += n;
            }
        } catch (DataFormatException e) {
            throw new IOException("corrupt PNG image data: " + e.getMessage(), e);
        }
        unfilter(raw, height, stride, samples);
        dims[0] = height;
        dims[1] = width;
        int channels = gray ? 1 : 3;
        float[] out = new float[height * width * channels];
        for (int y = 0; y < height; y++) {
            int row = y * (stride + 1) + 1;
            for (int x = 0; x < width; x++) {
                int at = row + x * samples;
                int r;
                int g;
                int b;
                if (colorType == 0 || colorType == 4) {
                    r = raw[at] & 0xff;
                    g = r;
                    b = r;
                } else if (colorType == 3) {
                    int index = (raw[at] & 0xff) * 3;
                    r = palette[index] & 0xff;
                    g = palette[index + 1] & 0xff;
                    b = palette[index + 2] & 0xff;
                } else {
                    r = raw[at] & 0xff;
                    g = raw[at + 1] & 0xff;
                    b = raw[at + 2] & 0xff;
                }
                int p = y * width + x;
                if (!gray) {
                    out[3 * p] = r;
                    out[3 * p + 1] = g;
                    out[3 * p + 2] = b;
                } else if (colorType == 0 || colorType == 4) {
                    out[p] = r;
                } else {
                    out[p] = (float) Math.floor((r * 299 + g * 587 + b * 114) / 1000.0 + 0.5);
                }
            }
        }
        return out;
    }

    /** Undoes PNG's per-row filters in place (None, Sub, Up, Average, Paeth); {@code bpp} bytes per pixel. */
    private static void unfilter(byte[] raw, int height, int stride, int bpp) throws IOException {
        for (int y = 0; y < height; y++) {
            int row = y * (stride + 1);
            int filter = raw[row];
            int cur = row + 1;
            int prev = cur - (stride + 1);   // only read when y > 0
            switch (filter) {
                case 0 -> {
                }
                case 1 -> {
                    for (int i = bpp; i < stride; i++) {
                        raw[cur + i] += raw[cur + i - bpp];
                    }
                }
                case 2 -> {
                    if (y > 0) {
                        for (int i = 0; i < stride; i++) {
                            raw[cur + i] += raw[prev + i];
                        }
                    }
                }
                case 3 -> {
                    for (int i = 0; i < stride; i++) {
                        int left = i >= bpp ? raw[cur + i - bpp] & 0xff : 0;
                        int up = y > 0 ? raw[prev + i] & 0xff : 0;
                        raw[cur + i] += (byte) ((left + up) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < stride; i++) {
                        int a = i >= bpp ? raw[cur + i - bpp] & 0xff : 0;
                        int b = y > 0 ? raw[prev + i] & 0xff : 0;
                        int c = i >= bpp && y > 0 ? raw[prev + i - bpp] & 0xff : 0;
                        raw[cur + i] += (byte) paeth(a, b, c);
                    }
                }
                default -> throw new IOException("corrupt PNG: unknown row filter " + filter + " in row " + y);
            }
        }
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
