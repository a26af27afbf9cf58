package dev.ignis.data;

/**
 * A map-style dataset (torch.utils.data.Dataset): {@link #size()} samples addressed by index.
 * Implementations must be safe to read from several DataLoader worker threads at once.
 */
public interface Dataset<T> {
    long size();

    /** Sample {@code index}, 0 ≤ index &lt; size(). */
    T get(long index);
}
