package dev.ignis.spark;

import java.io.Serializable;

/**
 * One task's contribution to a round, already weighted for the sample-weighted average: weights
 * and optimizer values times the samples the task trained on, the counters' increase, the sample
 * count, the loss and hit sums, and the longest training time of any task (to tell training
 * from round overhead). {@link #plus} is the treeAggregate combiner.
 */
record RoundResult(double[] weightSum, long[] counterDelta, OptimizerVector optimizerSum, long samples, double lossSum,
                   long correct, double trainSeconds) implements Serializable {

    static final RoundResult ZERO = new RoundResult(null, null, OptimizerVector.EMPTY, 0, 0, 0, 0);

    RoundResult plus(RoundResult o) {
        if (o.samples == 0) {
            return o.trainSeconds > trainSeconds ? withTrainSeconds(o.trainSeconds) : this;
        }
        if (samples == 0) {
            return trainSeconds > o.trainSeconds ? o.withTrainSeconds(trainSeconds) : o;
        }
        double[] w = weightSum.clone();
        for (int i = 0; i < w.length; i++) {
            w[i] += o.weightSum[i];
        }
        long[] c = counterDelta.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += o.counterDelta[i];
        }
        OptimizerVector opt = optimizerSum;
        if (!optimizerSum.isEmpty()) {
            double[] v = optimizerSum.values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += o.optimizerSum.values()[i];
            }
            opt = new OptimizerVector(optimizerSum.layout(), v);
        }
        return new RoundResult(w, c, opt, samples + o.samples, lossSum + o.lossSum, correct + o.correct,
                Math.max(trainSeconds, o.trainSeconds));
    }

    RoundResult withTrainSeconds(double seconds) {
        return new RoundResult(weightSum, counterDelta, optimizerSum, samples, lossSum, correct, seconds);
    }

    /** The averaged weights: Σ n_p·w_p / Σ n_p. */
    float[] averageWeights() {
        float[] w = new float[weightSum.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (weightSum[i] / samples);
        }
        return w;
    }

    OptimizerVector averageOptimizer() {
        double[] v = optimizerSum.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] /= samples;
        }
        return new OptimizerVector(optimizerSum.layout(), v);
    }
}
