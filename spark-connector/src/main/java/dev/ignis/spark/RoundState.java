package dev.ignis.spark;

import java.io.Serializable;

/**
 * What the driver broadcasts for one round: the averaged weights, counters and optimizer state,
 * every param group's hyperparameters, and where the round sits (epoch, first local step of the
 * epoch, steps).
 */
record RoundState(float[] weights, long[] counters, OptimizerVector optimizer, Hyperparameters hyperparameters,
                  int epoch, int firstStep,
                  int steps) implements Serializable {
}
