package dev.ignis.data;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Several iterable datasets one after another, chained lazily (torch.utils.data.ChainDataset). */
public final class ChainDataset<T> implements IterableDataset<T> {
    private final List<IterableDataset<T>> datasets;

    public ChainDataset(List<IterableDataset<T>> datasets) {
        this.datasets = List.copyOf(datasets);
    }

    @Override
    public Iterator<T> iterator() {
        Iterator<IterableDataset<T>> parts = datasets.iterator();
        return new Iterator<>() {
            private Iterator<T> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && parts.hasNext()) {
                    current = parts.next().iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
