package dev.ignis.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Which epoch's model is best by a monitored metric, and when training stops for want of
 * improvement (as Keras' and Lightning's EarlyStopping): an epoch improves on the best so far
 * when its value is lower ("loss" metrics) or higher ("accuracy" metrics) by more than
 * {@code minDelta}; training stops once {@code patience} epochs in a row have not.
 * Both follow from the epochs' metrics alone, so a resumed run decides as the uninterrupted one.
 *
 * @param patience epochs without improvement before stopping; 0 never stops (only the best
 *                 model is tracked)
 */
record EarlyStopping(String monitor, int patience, double minDelta) implements Serializable {
    EarlyStopping {
        new EpochMetrics(0, 0, 0, 0, 0).value(monitor);   // rejects an unknown metric now
        if (patience < 0 || !(minDelta >= 0)) {
            throw new IllegalArgumentException("early stopping needs patience >= 0 and minDelta >= 0, got " + patience
                    + " and " + minDelta);
        }
    }

    private boolean higherIsBetter() {
        return monitor.endsWith("accuracy");
    }

    /** The index in {@code history} of the best epoch so far, or -1 for an empty history. */
    int best(List<EpochMetrics> history) {
        int best = -1;
        for (int i = 0; i < history.size(); i++) {
            if (best < 0 || improves(history.get(i).value(monitor), history.get(best).value(monitor))) {
                best = i;
            }
        }
        return best;
    }

    private boolean improves(double value, double best) {
        return higherIsBetter() ? value > best + minDelta : value < best - minDelta;
    }

    /** Whether the last {@code patience} epochs of {@code history} all failed to improve on the best before them. */
    boolean shouldStop(List<EpochMetrics> history) {
        int best = best(history);
        return patience > 0 && best >= 0 && history.size() - 1 - best >= patience;
    }
}
