package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * One pass of a DataLoader over an {@link IterableDataset}. Without workers the caller's thread
 * reads the dataset and collates every {@code batchSize} samples. With workers, each worker thread
 * runs its own {@code iterator()} (with {@link WorkerInfo#current()} set, so the dataset can
 * shard itself) into a queue of {@code prefetchFactor} batches, and batches are taken from the
 * workers round-robin, skipping workers that have finished, as PyTorch's loader does. Random
 * transforms draw from {@link LoaderRandom#current()}: a worker's generator is seeded with its
 * {@link WorkerInfo#seed()}, the caller's (without workers) with the pass's base seed.
 */
final class IterableBatches<B> implements Iterator<B>, AutoCloseable {
    private static final Object END = new Object();

    /** What a worker died of, delivered in its place in the order. */
    private record Failure(RuntimeException error) {
    }

    private final int batchSize;
    private final boolean dropLast;
    private final Function<List<Object>, B> collate;
    private final long timeoutMs;
    private final Iterator<?> serial;
    private final Generator serialRandom;
    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final boolean[] finished;
    private int nextWorker;
    private B buffered;
    private long serialPosition;

    IterableBatches(IterableDataset<?> dataset, int batchSize, boolean dropLast, Function<List<Object>, B> collate,
                    int numWorkers, int prefetchFactor, long timeoutMs, IntConsumer workerInit, long baseSeed) {
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.collate = collate;
        this.timeoutMs = timeoutMs;
        this.finished = new boolean[numWorkers];
        this.serial = numWorkers == 0 ? dataset.iterator() : null;
        this.serialRandom = new Generator(baseSeed);
        for (int w = 0; w < numWorkers; w++) {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(prefetchFactor);
            WorkerInfo info = new WorkerInfo(w, numWorkers, baseSeed + w);
            Thread t = new Thread(() -> produce(dataset, info, workerInit, queue), "ignis-dataloader-" + w);
            t.setDaemon(true);
            queues.add(queue);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void produce(IterableDataset<?> dataset, WorkerInfo info, IntConsumer workerInit, BlockingQueue<Object> queue) {
        WorkerInfo.set(info);
        LoaderRandom.with(new Generator(info.seed()), () -> {
            produceBatches(dataset, info, workerInit, queue);
            return null;
        });
    }

    private void produceBatches(IterableDataset<?> dataset, WorkerInfo info, IntConsumer workerInit,
                                BlockingQueue<Object> queue) {
        try {
            Object outcome;
            try {
                workerInit.accept(info.id());
                Iterator<?> it = dataset.iterator();
                long[] position = {0};
                B batch;
                while ((batch = nextBatch(it, position, "DataLoader worker " + info.id())) != null) {
                    queue.put(batch);
                }
                outcome = END;
            } catch (RuntimeException e) {
                outcome = new Failure(e);
            }
            queue.put(outcome);
        } catch (InterruptedException e) {
            // the loader was closed: stop quietly
        }
    }

    /** The next collated batch of {@code it}, or null when it is exhausted (or only a dropped tail is left). */
    private B nextBatch(Iterator<?> it, long[] position, String who) {
        List<Object> samples = new ArrayList<>(batchSize);
        while (samples.size() < batchSize) {
            Object sample;
            try {
                if (!it.hasNext()) {
                    break;
                }
                sample = it.next();
            } catch (RuntimeException e) {
                throw new IllegalStateException(who + ": reading sample " + position[0] + " of its stream failed: "
                        + e.getMessage(), e);
            }
            position[0]++;
            samples.add(sample);
        }
        if (samples.isEmpty() || (dropLast && samples.size() < batchSize)) {
            return null;
        }
        return collate.apply(samples);
    }

    @Override
    public boolean hasNext() {
        if (buffered != null) {
            return true;
        }
        if (serial != null) {
            long[] position = {serialPosition};
            buffered = LoaderRandom.with(serialRandom, () -> nextBatch(serial, position, "DataLoader"));
            serialPosition = position[0];
            return buffered != null;
        }
        for (int tried = 0; tried < finished.length; tried++) {
            int w = nextWorker;
            nextWorker = (nextWorker + 1) % finished.length;
            if (finished[w]) {
                continue;
            }
            Object item = take(w);
            if (item == END) {
                finished[w] = true;
                tried = -1;   // look at every remaining worker again
                continue;
            }
            if (item instanceof Failure f) {
                close();
                throw f.error();
            }
            @SuppressWarnings("unchecked")
            B batch = (B) item;
            buffered = batch;
            return true;
        }
        return false;
    }

    private Object take(int worker) {
        try {
            if (timeoutMs <= 0) {
                return queues.get(worker).take();
            }
            Object item = queues.get(worker).poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (item == null) {
                close();
                throw new IllegalStateException("DataLoader timed out after " + timeoutMs + " ms waiting for a batch from"
                        + " worker " + worker);
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        B batch = buffered;
        buffered = null;
        return batch;
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        threads.forEach(Thread::interrupt);
    }
}
