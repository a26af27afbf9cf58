package dev.ignis.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one intra-op thread pool. Its size is the number of cores one op may use: the system
 * property {@code ignis.threads}, else the environment variable {@code IGNIS_NUM_THREADS}, else
 * {@link Runtime#availableProcessors()}; a Spark task sets it to {@code spark.task.cpus}.
 *
 * <p>{@link #parallelFor} splits a range into at most {@link #threads()} chunks; the caller runs
 * the first chunk itself. Calls made from a pool thread, or from the caller inside its own chunk,
 * run inline, so nested parallel kernels never deadlock or oversubscribe.
 */
public final class IntraOpPool {
    /** Body of a parallel loop over {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
    private static volatile int threads = defaultThreads();
    private static ExecutorService executor;
    private static int executorSize;

    private IntraOpPool() {
    }

    private static int defaultThreads() {
        String configured = System.getProperty("ignis.threads", System.getenv("IGNIS_NUM_THREADS"));
        if (configured != null && !configured.isBlank()) {
            try {
                int n = Integer.parseInt(configured.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the core count; the bad value is reported below
            }
            throw new IllegalArgumentException("ignis.threads / IGNIS_NUM_THREADS must be a positive integer, got '"
                    + configured + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Threads one op may use. */
    public static int threads() {
        return threads;
    }

    /** Sets the threads one op may use (at least 1). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        }
        threads = n;
    }

    /**
     * A pool with at least {@code size} threads. A larger pool replaces a smaller one; the old one
     * is not shut down (a caller may still be submitting to it) — its idle threads time out.
     */
    private static synchronized ExecutorService executor(int size) {
        if (executor == null || executorSize < size) {
            AtomicInteger id = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(() -> {
                            IN_POOL.set(true);
                            r.run();
                        }, "ignis-intra-op-" + id.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            executor = pool;
            executorSize = size;
        }
        return executor;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} elements,
     * on up to {@link #threads()} threads, and returns when all chunks are done. An exception in
     * any chunk is rethrown in the caller.
     */
    public static void parallelFor(int n, int grain, RangeBody body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || IN_POOL.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        ExecutorService pool = executor(chunks - 1);
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            futures.add(pool.submit(() -> body.run(start, end)));
        }
        Throwable failure = null;
        // the caller's chunk counts as pool work too: a nested loop inside it runs inline instead of
        // queueing behind the other chunks, which hold every pool thread
        IN_POOL.set(true);
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            IN_POOL.set(false);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure instanceof Error err) {
            throw err;
        } else if (failure != null) {
            throw new IllegalStateException("parallel loop interrupted", failure);
        }
    }
}
