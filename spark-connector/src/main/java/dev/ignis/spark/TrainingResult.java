package dev.ignis.spark;

import dev.ignis.nn.Module;
import java.util.List;

/**
 * What {@link DistributedTrainer#fit} returns: the final averaged model, the SWA model (its
 * BatchNorm statistics recomputed over all partitions; null when SWA was not configured) and the
 * per-round metrics.
 */
public record TrainingResult(Module model, Module swaModel, List<RoundMetrics> metrics) {
}
