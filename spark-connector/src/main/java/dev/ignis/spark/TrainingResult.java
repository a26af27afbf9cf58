package dev.ignis.spark;

import dev.ignis.nn.Module;
import java.util.List;

/**
 * What {@link DistributedTrainer#fit} returns: the final averaged model, the SWA model (its
 * BatchNorm statistics recomputed over all replicas' data; null when SWA was not configured), the
 * per-round and per-epoch metrics, how many replicas trained, and with validation data the model
 * of the best epoch by the monitored metric ({@code bestModel}, else null) and that epoch.
 */
public record TrainingResult(Module model, Module swaModel, List<RoundMetrics> metrics, int replicas,
                             List<EpochMetrics> epochMetrics, Module bestModel, int bestEpoch) {
}
