package dev.ignis.data;

/** The samples of a dataset at the given indices (torch.utils.data.Subset). */
public final class Subset<T> implements Dataset<T> {
    private final Dataset<T> dataset;
    private final long[] indices;

    public Subset(Dataset<T> dataset, long[] indices) {
        for (long i : indices) {
            if (i < 0 || i >= dataset.size()) {
                throw new IndexOutOfBoundsException("Subset: index " + i + " is out of range for a dataset of size "
                        + dataset.size());
            }
        }
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    @Override
    public long size() {
        return indices.length;
    }

    @Override
    public T get(long index) {
        return dataset.get(indices[Math.toIntExact(index)]);
    }

    public long[] indices() {
        return indices.clone();
    }
}
