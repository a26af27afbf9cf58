package dev.ignis.optim.lr;

/**
 * The keyword argument every LR scheduler takes, {@code last_epoch} (default −1: a new schedule),
 * for the schedulers' own {@code Options} builders: PyTorch's optional arguments are set by name,
 * so that {@code StepLR(opt, 7, gamma=0.6)} is {@code new StepLR(opt, 7, new StepLR.Options()
 * .gamma(0.6))}, and nothing else is restated.
 *
 * @param <T> the scheduler's Options (setters return it)
 */
public abstract class SchedulerOptions<T extends SchedulerOptions<T>> {
    private int lastEpoch = -1;

    @SuppressWarnings("unchecked")
    protected final T self() {
        return (T) this;
    }

    /** The index of the last epoch when resuming a schedule (PyTorch's {@code last_epoch}). */
    public final T lastEpoch(int v) {
        lastEpoch = v;
        return self();
    }

    public final int lastEpoch() {
        return lastEpoch;
    }
}
