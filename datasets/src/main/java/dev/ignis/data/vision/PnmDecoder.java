package dev.ignis.data.vision;

import java.io.IOException;

/**
 * Netpbm images, which torchvision's ImageFolder lists and javax.imageio cannot read: PGM (P2
 * text, P5 binary; gray) and PPM (P3 text, P6 binary; RGB), any maxval up to 65535, values scaled
 * linearly to 0..255 as Pillow reads them. The header's size is checked against
 * {@link ImageLimits} and against the bytes the file holds before anything is allocated.
 */
final class PnmDecoder {
    private PnmDecoder() {
    }

    /** Whether {@code b} starts like a PGM or PPM file (P2, P3, P5 or P6). */
    static boolean isPnm(byte[] b) {
        return b.length >= 2 && b[0] == 'P' && (b[1] == '2' || b[1] == '3' || b[1] == '5' || b[1] == '6');
    }

    /**
     * The image's [H, W, C] values in 0..255 (C = 3 for RGB mode, 1 for L), with {@code dims}
     * receiving {H, W}.
     */
    static float[] decode(byte[] b, boolean grayMode, int[] dims) throws IOException {
        char kind = (char) b[1];
        boolean text = kind == '2' || kind == '3';
        int samples = kind == '3' || kind == '6' ? 3 : 1;
        int[] pos = {2};
        long width = number(b, pos, "width");
        long height = number(b, pos, "height");
        long maxval = number(b, pos, "maxval");
        String format = samples == 3 ? "PPM" : "PGM";
        ImageLimits.check(format, width, height);
        if (maxval < 1 || maxval > 65535) {
            throw new IOException("corrupt " + format + " header: maxval " + maxval + " (1..65535)");
        }
        long values = width * height * samples;
        int bytesPerValue = maxval > 255 ? 2 : 1;
        if (!text) {
            pos[0]++;   // the single whitespace byte after maxval
            long have = b.length - (long) pos[0];
            if (have < values * bytesPerValue) {
                throw new IOException("truncated " + format + ": the header claims " + width + "x" + height + " ("
                        + values * bytesPerValue + " bytes of pixels), the file holds " + have);
            }
        } else if (b.length - (long) pos[0] < values) {
            throw new IOException("truncated " + format + ": the header claims " + values + " values, the file has "
                    + (b.length - pos[0]) + " bytes after it");
        }
        int w = (int) width;
        int h = (int) height;
        int channels = grayMode ? 1 : 3;
        float[] out = new float[h * w * channels];
        int[] rgb = new int[3];
        for (int p = 0; p < w * h; p++) {
            for (int s = 0; s < samples; s++) {
                long v = text ? number(b, pos, "pixel value")
                        : bytesPerValue == 1 ? b[pos[0]++] & 0xff : ((b[pos[0]++] & 0xff) << 8) | (b[pos[0]++] & 0xff);
                rgb[s] = (int) Math.round(Math.min(v, maxval) * 255.0 / maxval);
            }
            if (samples == 1) {
                rgb[1] = rgb[0];
                rgb[2] = rgb[0];
            }
            if (grayMode) {
                out[p] = samples == 1 ? rgb[0]
                        : (float) Math.floor((rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000.0 + 0.5);
            } else {
                out[3 * p] = rgb[0];
                out[3 * p + 1] = rgb[1];
                out[3 * p + 2] = rgb[2];
            }
        }
        dims[0] = h;
        dims[1] = w;
        return out;
    }

    /** The next decimal number after whitespace and #-comments, advancing {@code pos}. */
    private static long number(byte[] b, int[] pos, String what) throws IOException {
        int i = pos[0];
        while (i < b.length) {
            if (b[i] == '#') {
                while (i < b.length && b[i] != '\n' && b[i] != '\r') {
                    i++;
                }
            } else if (Character.isWhitespace(b[i])) {
                i++;
            } else {
                break;
            }
        }
        long v = 0;
        int start = i;
        while (i < b.length && b[i] >= '0' && b[i] <= '9' && i - start < 12) {
            v = v * 10 + (b[i++] - '0');
        }
        if (i == start) {
            throw new IOException("corrupt Netpbm file: expected the " + what + " at byte " + start);
        }
        pos[0] = i;
        return v;
    }
}
