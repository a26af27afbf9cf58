package dev.ignis.nn;

/**
 * Layers that keep running statistics for evaluation (BatchNorm). SWA's updateBn resets them and
 * recomputes them with a cumulative average (momentum NaN) through this interface.
 */
public interface RunningStats {
    /** running_mean ← 0, running_var ← 1, num_batches_tracked ← 0. */
    void resetRunningStats();

    /** The update factor of the running statistics; NaN means a cumulative average (PyTorch's None). */
    double momentum();

    void momentum(double momentum);
}
