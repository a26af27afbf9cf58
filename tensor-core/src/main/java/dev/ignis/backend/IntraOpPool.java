package dev.ignis.backend;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

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
    /** How long an idle worker, or a caller waiting on one, spins before it parks. */
    private static final long SPIN_NANOS = 100_000;
    private static volatile Worker[] workers = new Worker[0];

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

    /** The first {@code count} workers, started on first need; the array only grows. */
    private static synchronized Worker[] workers(int count) {
        Worker[] current = workers;
        if (current.length >= count) {
            return current;
        }
        Worker[] grown = Arrays.copyOf(current, count);
        for (int i = current.length; i < count; i++) {
            grown[i] = new Worker("ignis-intra-op-" + (i + 1));
            grown[i].start();
        }
        workers = grown;
        return grown;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} elements,
     * on up to {@link #threads()} threads, and returns when all chunks are done. An exception in
     * any chunk is rethrown in the caller. A chunk whose worker is busy with another caller's loop
     * runs in the calling thread instead of waiting for it.
     */
    public static void parallelFor(int n, int grain, RangeBody body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || IN_POOL.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Worker[] pool = workers(chunks - 1);
        Worker[] handed = new Worker[chunks];
        for (int c = 1; c < chunks; c++) {
            Worker w = pool[c - 1];
            if (w.claim()) {
                w.hand(body, (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                handed[c] = w;
            }
        }
        Throwable failure = null;
        // the caller's chunks count as pool work too: a nested loop inside them runs inline instead
        // of queueing behind the other chunks, which hold every worker
        IN_POOL.set(true);
        try {
            for (int c = 0; c < chunks; c++) {
                if (handed[c] == null) {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            IN_POOL.set(false);
        }
        for (Worker w : handed) {
            if (w != null) {
                Throwable t = w.awaitAndRelease();
                failure = failure == null ? t : failure;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure instanceof Error err) {
            throw err;
        } else if (failure != null) {
            throw new IllegalStateException("parallel loop failed", failure);
        }
    }

    /**
     * One pool thread with a one-job mailbox. Ops come back to back within a training step, tens
     * of microseconds apart, so a worker spins for {@link #SPIN_NANOS} after each job before it
     * parks, and the caller spins as long on the result: waking a parked thread costs about as much
     * as a small op. Hand-off and wake-up pair a volatile write with a volatile read on each side
     * ({@code job}/{@code parked}, {@code done}/{@code waiter}), so neither side can miss the other.
     */
    private static final class Worker extends Thread {
        private final AtomicBoolean claimed = new AtomicBoolean();
        private volatile RangeBody job;
        private int start;
        private int end;
        private Throwable failure;
        private volatile boolean done;
        private volatile boolean parked;
        private volatile Thread waiter;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        /** Gives this claimed worker {@code body} over {@code [from, to)}; returns at once. */
        void hand(RangeBody body, int from, int to) {
            start = from;
            end = to;
            failure = null;
            done = false;
            waiter = null;
            job = body;                 // publishes the fields above
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        /** Waits for the job handed last, frees this worker and returns what the job threw, if anything. */
        Throwable awaitAndRelease() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            boolean interrupted = false;
            while (!done) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                waiter = Thread.currentThread();
                if (!done) {
                    LockSupport.park(this);
                    // the job writes into the caller's tensors: it is waited for even when interrupted
                    interrupted |= Thread.interrupted();
                }
            }
            Throwable t = failure;
            claimed.set(false);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return t;
        }

        @Override
        public void run() {
            IN_POOL.set(true);
            while (true) {
                RangeBody body = job;
                if (body == null) {
                    idle();
                    continue;
                }
                try {
                    body.run(start, end);
                } catch (Throwable t) {
                    failure = t;
                }
                job = null;
                done = true;
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }

        /** Spins a little for the next job, then parks until one is handed over. */
        private void idle() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (job == null && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            if (job == null) {
                parked = true;
                if (job == null) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }
}
