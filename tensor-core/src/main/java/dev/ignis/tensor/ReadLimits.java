package dev.ignis.tensor;

/**
 * The most bytes one tensor read from a file (safetensors, IDX) may take, checked from the file's
 * header before anything is allocated, beside the check that the file holds what its header
 * claims. The default, 8 GiB, is what the largest CPU tensor (2^31 − 1 float32 elements) needs;
 * {@code -Dignis.io.maxTensorBytes=N} lowers it, e.g. on executors with small heaps.
 */
public final class ReadLimits {
    /** 2^33 bytes. */
    public static final long DEFAULT_MAX_TENSOR_BYTES = 1L << 33;

    private ReadLimits() {
    }

    /** The limit in force: {@code ignis.io.maxTensorBytes}, else {@link #DEFAULT_MAX_TENSOR_BYTES}. */
    public static long maxTensorBytes() {
        return fromProperty("ignis.io.maxTensorBytes", DEFAULT_MAX_TENSOR_BYTES, "bytes");
    }

    /**
     * A read limit set by a system property: its value when set, else {@code fallback}.
     *
     * @param unit what the limit counts, for the error ("bytes", "pixels")
     * @throws IllegalArgumentException naming the property and its value when that is not a positive
     *                                  whole number
     */
    public static long fromProperty(String property, long fallback, String unit) {
        String configured = System.getProperty(property);
        if (configured == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(configured.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the error below names the value
        }
        throw new IllegalArgumentException(property + " must be a positive number of " + unit + ", got '"
                + configured + "'");
    }

    /**
     * @throws IllegalArgumentException naming {@code what} when {@code bytes} exceeds the limit
     */
    public static void check(String what, long bytes) {
        long max = maxTensorBytes();
        if (bytes > max) {
            throw new IllegalArgumentException(what + " claims " + bytes + " bytes, over the limit of " + max
                    + " bytes per tensor (-Dignis.io.maxTensorBytes)");
        }
    }
}
