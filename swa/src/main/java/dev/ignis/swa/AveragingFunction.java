package dev.ignis.swa;

import dev.ignis.tensor.Tensor;

/**
 * How {@link AveragedModel} folds a model's current value into its running average
 * (PyTorch's {@code avg_fn}). Called without grad; must not mutate its arguments.
 */
@FunctionalInterface
public interface AveragingFunction {
    /**
     * @param averaged the average so far
     * @param current the model's value now
     * @param numAveraged how many values the average already holds (≥ 1)
     * @return the new average, same shape as {@code averaged}
     */
    Tensor apply(Tensor averaged, Tensor current, long numAveraged);

    /** Equal-weight SWA: a ← a + (x − a)/(n + 1), the mean of all n + 1 values. */
    static AveragingFunction swa() {
        return (a, x, n) -> a.add(x.sub(a).div((double) (n + 1)));
    }

    /** Exponential moving average: a ← a + (1 − decay)(x − a). */
    static AveragingFunction ema(double decay) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1], got " + decay);
        }
        return (a, x, n) -> a.add(x.sub(a).mul(1 - decay));
    }
}
