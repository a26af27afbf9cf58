package dev.ignis.spark;

import dev.ignis.nn.Module;
import java.util.List;

/**
 * What {@link DistributedTrainer#fit} returns: the final averaged model, the SWA model (its
 * BatchNorm statistics recomputed over all replicas' data; null when SWA was not configured), the
 * per-round metrics and how many replicas trained.
 */
public record TrainingResult(Module model, Module swaModel, List<RoundMetrics> metrics, int replicas) {
}
