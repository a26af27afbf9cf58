package dev.ignis.data;

/**
 * Which DataLoader worker the current thread is (torch.utils.data.get_worker_info()): its id in
 * {@code [0, numWorkers)}, the worker count, and its seed (the loader's per-pass base seed, drawn
 * from its generator, plus the id).
 */
public record WorkerInfo(int id, int numWorkers, long seed) {
    private static final ThreadLocal<WorkerInfo> CURRENT = new ThreadLocal<>();

    /** The worker running on this thread, or null on a thread that is not a DataLoader worker. */
    public static WorkerInfo current() {
        return CURRENT.get();
    }

    static void set(WorkerInfo info) {
        CURRENT.set(info);
    }
}
