package dev.ignis.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * The driver's record of finished epochs: their metrics, the weights of the best one by the
 * monitored metric (when there is a rule to judge by), and whether to stop early. Checkpointed
 * with the run, so a resumed run keeps its best model and stops where the uninterrupted one would.
 */
final class EpochTracker {
    private final EarlyStopping rule;
    private final List<EpochMetrics> epochs = new ArrayList<>();
    private float[] bestWeights;
    private long[] bestCounters;

    /** @param rule how to judge epochs, or null to only record them */
    EpochTracker(EarlyStopping rule) {
        this.rule = rule;
    }

    /** Continues from a checkpoint's epochs and best weights (null where it recorded none). */
    void restore(List<EpochMetrics> recorded, float[] weights, long[] counters) {
        epochs.clear();
        if (recorded != null) {
            epochs.addAll(recorded);
        }
        bestWeights = weights;
        bestCounters = counters;
    }

    /** Records a finished epoch and, when it is the best so far, the weights it ended with (copied). */
    void add(EpochMetrics metrics, float[] weights, long[] counters) {
        epochs.add(metrics);
        if (rule != null && rule.best(epochs) == epochs.size() - 1) {
            bestWeights = weights.clone();
            bestCounters = counters.clone();
        }
    }

    /** Whether the rule says to stop now (never without a rule or with patience 0). */
    boolean shouldStop() {
        return rule != null && rule.shouldStop(epochs);
    }

    List<EpochMetrics> epochs() {
        return List.copyOf(epochs);
    }

    /** The best epoch (0-based), or -1 without a rule or epochs. */
    int bestEpoch() {
        return rule == null || epochs.isEmpty() ? -1 : epochs.get(rule.best(epochs)).epoch();
    }

    float[] bestWeights() {
        return bestWeights;
    }

    long[] bestCounters() {
        return bestCounters;
    }
}
