package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Batches of a dataset (torch.utils.data.DataLoader). For a map-style {@link Dataset}, batches
 * come in sampler order; with {@code numWorkers > 0}, worker threads load and collate batches
 * ahead (up to prefetchFactor per worker) while results are still returned in sampler order. For
 * an {@link IterableDataset}, each worker runs its own iterator (see {@link IterableBatches}).
 * Worker threads see their {@link WorkerInfo}; an exception in a worker surfaces in the caller
 * naming the sample. Close the loader (try-with-resources) to stop its workers.
 *
 * @param <B> the batch type the collate function produces
 */
public final class DataLoader<B> implements Iterable<B>, AutoCloseable {
    private final Dataset<?> dataset;
    private final IterableDataset<?> iterable;
    private final int batchSize;
    private final boolean dropLast;
    private final Generator generator;
    private final Iterable<long[]> batches;
    private final long length;
    private final Function<List<Object>, B> collate;
    private final int numWorkers;
    private final int prefetchFactor;
    private final long timeoutMs;
    private final boolean persistentWorkers;
    private final IntConsumer workerInit;
    private ExecutorService workers;
    private IterableBatches<B> iterablePass;

    /** Options with PyTorch's names and defaults; {@link #build()} checks their combinations. */
    public static final class Builder<T, B> {
        private final Dataset<T> dataset;
        private final IterableDataset<T> iterable;
        private int batchSize = 1;
        private boolean batchSizeSet;
        private boolean shuffle;
        private Sampler sampler;
        private Iterable<long[]> batchSampler;
        private long batchSamplerSize = -1;
        private boolean dropLast;
        private int numWorkers;
        private Integer prefetchFactor;
        private boolean persistentWorkers;
        private double timeout;
        private Generator generator = Generator.getDefault();
        private IntConsumer workerInit = id -> { };
        private Function<List<T>, B> collate;

        private Builder(Dataset<T> dataset, IterableDataset<T> iterable, Function<List<T>, B> collate) {
            this.dataset = dataset;
            this.iterable = iterable;
            this.collate = collate;
        }

        public Builder<T, B> batchSize(int v) {
            batchSize = v;
            batchSizeSet = true;
            return this;
        }

        public Builder<T, B> shuffle(boolean v) {
            shuffle = v;
            return this;
        }

        public Builder<T, B> sampler(Sampler v) {
            sampler = v;
            return this;
        }

        public Builder<T, B> batchSampler(BatchSampler v) {
            batchSampler = v;
            batchSamplerSize = v.size();
            return this;
        }

        public Builder<T, B> dropLast(boolean v) {
            dropLast = v;
            return this;
        }

        public Builder<T, B> numWorkers(int v) {
            numWorkers = v;
            return this;
        }

        public Builder<T, B> prefetchFactor(int v) {
            prefetchFactor = v;
            return this;
        }

        public Builder<T, B> persistentWorkers(boolean v) {
            persistentWorkers = v;
            return this;
        }

        /** Seconds to wait for a batch from the workers; 0 waits forever. */
        public Builder<T, B> timeout(double seconds) {
            timeout = seconds;
            return this;
        }

        public Builder<T, B> generator(Generator v) {
            generator = v;
            return this;
        }

        /** Called on each worker thread with its id before it loads anything. */
        public Builder<T, B> workerInit(IntConsumer v) {
            workerInit = v;
            return this;
        }

        public <C> Builder<T, C> collate(Function<List<T>, C> fn) {
            Builder<T, C> b = new Builder<>(dataset, iterable, fn);
            b.batchSize = batchSize;
            b.batchSizeSet = batchSizeSet;
            b.shuffle = shuffle;
            b.sampler = sampler;
            b.batchSampler = batchSampler;
            b.batchSamplerSize = batchSamplerSize;
            b.dropLast = dropLast;
            b.numWorkers = numWorkers;
            b.prefetchFactor = prefetchFactor;
            b.persistentWorkers = persistentWorkers;
            b.timeout = timeout;
            b.generator = generator;
            b.workerInit = workerInit;
            return b;
        }

        public DataLoader<B> build() {
            if (numWorkers < 0) {
                throw new IllegalArgumentException("num_workers option should be non-negative; use num_workers=0 to disable"
                        + " multiprocessing.");
            }
            if (timeout < 0) {
                throw new IllegalArgumentException("timeout option should be non-negative");
            }
            if (numWorkers == 0 && prefetchFactor != null) {
                throw new IllegalArgumentException("prefetch_factor option could only be specified in multiprocessing."
                        + "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.");
            }
            if (persistentWorkers && numWorkers == 0) {
                throw new IllegalArgumentException("persistent_workers option needs num_workers > 0");
            }
            if (iterable != null) {
                return buildIterable();
            }
            if (sampler != null && shuffle) {
                throw new IllegalArgumentException("sampler option is mutually exclusive with shuffle");
            }
            Iterable<long[]> batches;
            long length;
            if (batchSampler != null) {
                if ((batchSizeSet && batchSize != 1) || shuffle || sampler != null || dropLast) {
                    throw new IllegalArgumentException("batch_sampler option is mutually exclusive with batch_size, shuffle,"
                            + " sampler, and drop_last");
                }
                batches = batchSampler;
                length = batchSamplerSize;
            } else {
                Sampler s = sampler != null ? sampler
                        : shuffle ? new RandomSampler(dataset.size(), generator) : new SequentialSampler(dataset.size());
                BatchSampler bs = new BatchSampler(s, batchSize, dropLast);
                batches = bs;
                length = bs.size();
            }
            Function<List<Object>, B> c = collateFunction();
            return new DataLoader<>(this, null, batches, length, c);
        }

        /** PyTorch refuses ordering options for an iterable dataset, whose order is its own. */
        private DataLoader<B> buildIterable() {
            String refused = shuffle ? "shuffle option, but got shuffle=True"
                    : sampler != null ? "sampler option, but got sampler=" + sampler
                    : batchSampler != null ? "batch_sampler option, but got batch_sampler=" + batchSampler : null;
            if (refused != null) {
                throw new IllegalArgumentException("DataLoader with IterableDataset: expected unspecified " + refused);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch_size should be a positive integer value, but got batch_size="
                        + batchSize);
            }
            return new DataLoader<>(this, iterable, null, -1, collateFunction());
        }

        @SuppressWarnings("unchecked")
        private Function<List<Object>, B> collateFunction() {
            return (Function<List<Object>, B>) (Function<?, B>) collate;
        }
    }

    /** A builder over a map-style dataset whose batches are made by {@link Collate#defaultCollate}. */
    public static <T> Builder<T, Object> of(Dataset<T> dataset) {
        return new Builder<>(dataset, null, Collate::defaultCollate);
    }

    /** A builder over an iterable dataset whose batches are made by {@link Collate#defaultCollate}. */
    public static <T> Builder<T, Object> of(IterableDataset<T> dataset) {
        return new Builder<>(null, dataset, Collate::defaultCollate);
    }

    private DataLoader(Builder<?, ?> options, IterableDataset<?> iterable, Iterable<long[]> batches, long length,
                       Function<List<Object>, B> collate) {
        this.dataset = options.dataset;
        this.iterable = iterable;
        this.batchSize = options.batchSize;
        this.dropLast = options.dropLast;
        this.generator = options.generator;
        this.batches = batches;
        this.length = length;
        this.collate = collate;
        this.numWorkers = options.numWorkers;
        this.prefetchFactor = options.prefetchFactor == null ? 2 : options.prefetchFactor;
        this.timeoutMs = (long) (options.timeout * 1000);
        this.persistentWorkers = options.persistentWorkers;
        this.workerInit = options.workerInit;
    }

    /**
     * Number of batches per pass (len(loader)).
     *
     * @throws UnsupportedOperationException for an iterable dataset, which has no length
     */
    public long size() {
        if (iterable != null) {
            throw new UnsupportedOperationException("object of type '" + iterable.getClass().getSimpleName()
                    + "' has no len()");
        }
        return length;
    }

    private B load(long[] indices, Generator random) {
        return LoaderRandom.with(random, () -> load(indices));
    }

    private B load(long[] indices) {
        List<Object> samples = new ArrayList<>(indices.length);
        for (long i : indices) {
            try {
                samples.add(dataset.get(i));
            } catch (RuntimeException e) {
                throw new IllegalStateException("DataLoader: loading sample " + i + " failed: " + e.getMessage(), e);
            }
        }
        return collate.apply(samples);
    }

    private synchronized ExecutorService workers() {
        if (workers == null) {
            AtomicInteger id = new AtomicInteger();
            long baseSeed = generator.nextLong();
            workers = Executors.newFixedThreadPool(numWorkers, r -> {
                int workerId = id.getAndIncrement();
                Thread t = new Thread(() -> {
                    WorkerInfo.set(new WorkerInfo(workerId, numWorkers, baseSeed + workerId));
                    workerInit.accept(workerId);
                    r.run();
                }, "ignis-dataloader-" + workerId);
                t.setDaemon(true);
                return t;
            });
        }
        return workers;
    }

    @Override
    public Iterator<B> iterator() {
        if (iterable != null) {
            close();
            long baseSeed = generator.nextLong();
            IterableBatches<B> pass = new IterableBatches<>(iterable, batchSize, dropLast, collate, numWorkers,
                    prefetchFactor, timeoutMs, workerInit, baseSeed);
            synchronized (this) {
                iterablePass = pass;
            }
            return pass;
        }
        Iterator<long[]> order = batches.iterator();
        long baseSeed = generator.nextLong();
        if (numWorkers == 0) {
            return new Iterator<>() {
                private long batchIndex;

                @Override
                public boolean hasNext() {
                    return order.hasNext();
                }

                @Override
                public B next() {
                    return load(order.next(), LoaderRandom.forBatch(baseSeed, batchIndex++));
                }
            };
        }
        ExecutorService pool = workers();
        Deque<Future<B>> inFlight = new ArrayDeque<>();
        return new Iterator<>() {
            private long batchIndex;

            private void fill() {
                while (inFlight.size() < (long) prefetchFactor * numWorkers && order.hasNext()) {
                    long[] indices = order.next();
                    Generator random = LoaderRandom.forBatch(baseSeed, batchIndex++);
                    inFlight.add(pool.submit(() -> load(indices, random)));
                }
            }

            @Override
            public boolean hasNext() {
                fill();
                boolean more = !inFlight.isEmpty();
                if (!more && !persistentWorkers) {
                    close();
                }
                return more;
            }

            @Override
            public B next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Future<B> f = inFlight.poll();
                try {
                    B batch = timeoutMs > 0 ? f.get(timeoutMs, TimeUnit.MILLISECONDS) : f.get();
                    fill();
                    return batch;
                } catch (ExecutionException e) {
                    inFlight.forEach(p -> p.cancel(true));
                    Throwable cause = e.getCause();
                    throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("DataLoader timed out after " + timeoutMs + " ms waiting for a batch", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch", e);
                }
            }
        };
    }

    /** Stops the worker threads (a later iteration starts new ones). */
    @Override
    public synchronized void close() {
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
        if (iterablePass != null) {
            iterablePass.close();
            iterablePass = null;
        }
    }
}
