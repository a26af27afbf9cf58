package dev.ignis.spark;

import java.util.List;

/**
 * How a run is cut into rounds: every replica trains up to {@code stepsPerRound} steps of its
 * epoch between averagings (the setting, capped at the longest replica's epoch; 0 meaning a whole
 * epoch), so an epoch is {@code roundsPerEpoch} rounds and the run {@code totalRounds}.
 *
 * @param sizes samples per replica
 */
record RoundPlan(List<Integer> sizes, int stepsPerRound, int roundsPerEpoch, int totalRounds) {
    RoundPlan {
        sizes = List.copyOf(sizes);
    }

    /**
     * The plan for replicas of {@code sizes} samples in batches of {@code batchSize}.
     *
     * @throws IllegalArgumentException when no replica holds a sample
     */
    static RoundPlan of(List<Integer> sizes, int batchSize, int stepsPerRoundSetting, int epochs) {
        int maxSteps = 0;
        for (int n : sizes) {
            maxSteps = Math.max(maxSteps, Replica.stepsPerEpoch(n, batchSize));
        }
        if (maxSteps == 0) {
            throw new IllegalArgumentException("the training data is empty (" + sizes.size() + " replicas)");
        }
        int k = stepsPerRoundSetting == 0 ? maxSteps : Math.min(stepsPerRoundSetting, maxSteps);
        int roundsPerEpoch = (maxSteps + k - 1) / k;
        return new RoundPlan(sizes, k, roundsPerEpoch, epochs * roundsPerEpoch);
    }

    int replicas() {
        return sizes.size();
    }

    /** The steps all replicas together take in round {@code round} (batches of {@code batchSize}). */
    long stepsInRound(int round, int batchSize) {
        int first = (round % roundsPerEpoch) * stepsPerRound;
        long steps = 0;
        for (int n : sizes) {
            steps += Math.max(0, Math.min(first + stepsPerRound, Replica.stepsPerEpoch(n, batchSize)) - first);
        }
        return steps;
    }
}
