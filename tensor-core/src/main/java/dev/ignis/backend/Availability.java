package dev.ignis.backend;

/**
 * Whether a backend can run here, and why (or why not), e.g. {@code "no CUDA driver
 * (libcuda.so.1 not found)"}.
 */
public record Availability(boolean available, String reason) {
    public static Availability yes(String reason) {
        return new Availability(true, reason);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
