package dev.ignis.data;

import java.util.List;

/** The samples of several datasets one after another (torch.utils.data.ConcatDataset). */
public final class ConcatDataset<T> implements Dataset<T> {
    private final List<Dataset<T>> datasets;
    private final long[] ends;

    public ConcatDataset(List<Dataset<T>> datasets) {
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("datasets should not be an empty iterable");
        }
        this.datasets = List.copyOf(datasets);
        this.ends = new long[datasets.size()];
        long total = 0;
        for (int i = 0; i < ends.length; i++) {
            total += datasets.get(i).size();
            ends[i] = total;
        }
    }

    @Override
    public long size() {
        return ends[ends.length - 1];
    }

    @Override
    public T get(long index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("index " + index + " out of range for ConcatDataset of size " + size());
        }
        int d = 0;
        while (index >= ends[d]) {
            d++;
        }
        return datasets.get(d).get(index - (d == 0 ? 0 : ends[d - 1]));
    }
}
