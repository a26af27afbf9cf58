package dev.ignis.data.vision;

import dev.ignis.tensor.ReadLimits;

/**
 * The most pixels one image may have, checked from its header before anything is allocated, so
 * that a small file claiming an enormous image (a decompression bomb, a corrupt header) is an
 * error naming its size instead of an OutOfMemoryError in a loader thread or a Spark executor.
 * The default is Pillow's: 2·89,478,485 pixels (a 16K×11K image) is refused; set
 * {@code -Dignis.image.maxPixels=N} for larger images.
 */
public final class ImageLimits {
    /** Pillow's {@code Image.MAX_IMAGE_PIXELS} times two, where Pillow raises instead of warning. */
    public static final long DEFAULT_MAX_PIXELS = 2L * 89_478_485;

    private ImageLimits() {
    }

    /** The limit in force: {@code ignis.image.maxPixels}, else {@link #DEFAULT_MAX_PIXELS}. */
    public static long maxPixels() {
        return ReadLimits.fromProperty("ignis.image.maxPixels", DEFAULT_MAX_PIXELS, "pixels");
    }

    /**
     * @throws java.io.IOException when {@code width × height} exceeds {@link #maxPixels()} or is not
     *                             a size at all
     */
    static void check(String format, long width, long height) throws java.io.IOException {
        long max = maxPixels();
        if (width <= 0 || height <= 0) {
            throw new java.io.IOException("corrupt " + format + " header: image size " + width + "x" + height);
        }
        if (width * height > max) {
            throw new java.io.IOException(format + " header claims a " + width + "x" + height + " image ("
                    + width * height + " pixels), over the limit of " + max + " pixels (-Dignis.image.maxPixels)");
        }
    }
}
