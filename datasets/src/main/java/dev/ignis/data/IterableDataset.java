package dev.ignis.data;

/**
 * A stream of samples (torch.utils.data.IterableDataset), for data read in order rather than by
 * index. A DataLoader with workers calls {@link #iterator()} once on each worker thread; without
 * sharding every worker yields every sample, so a dataset meant for several workers reads
 * {@link WorkerInfo#current()} in {@code iterator()} and yields only its share.
 */
public interface IterableDataset<T> extends Iterable<T> {
}
