package dev.ignis.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Everything a resumed run needs to continue exactly: the next round and where it sits, the
 * averaged model and optimizer state, the driver's param groups' hyperparameters and scheduler state, the SWA average, the
 * seed, the metrics so far (per round and per epoch), the best epoch's weights (with validation),
 * and the settings that give the position its meaning.
 */
record Checkpoint(int nextRound, int epoch, int roundInEpoch, float[] weights, long[] counters, OptimizerVector optimizer,
                  Hyperparameters hyperparameters, Map<String, Object> schedulerState, Map<String, Object> swaSchedulerState, float[] swaWeights, long[] swaCounters, long swaCount,
                  long seed, List<RoundMetrics> metrics, RunSettings settings, List<EpochMetrics> epochMetrics,
                  float[] bestWeights, long[] bestCounters) implements Serializable {
}
