package dev.ignis.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One task's contribution to a round, already weighted for the sample-weighted average: the
 * weights followed by the optimizer values, times the samples the task trained on, as one double
 * vector cut into pieces by {@code plan} (a piece is null when this result does not carry it); the
 * counters' increase, the sample count, the loss and hit sums, and the longest training time of
 * any task (to tell training from round overhead). {@link #plus} is the treeAggregate combiner.
 */
record RoundResult(PiecePlan plan, int weightCount, double[][] sums, long[] counterDelta,
                   List<OptimizerVector.Slot> optimizerLayout, long samples, double lossSum, long correct,
                   double trainSeconds) implements Serializable {

    static final RoundResult ZERO = new RoundResult(null, 0, null, null, List.of(), 0, 0, 0, 0);

    /**
     * A result whose sums are {@code factor}·(weights ‖ optimizer values), cut into pieces of at
     * most {@code pieceSize} elements. Neither input is modified.
     */
    static RoundResult weighted(float[] weights, OptimizerVector optimizer, double factor, int pieceSize,
                                long[] counterDelta, long samples, double lossSum, long correct, double trainSeconds) {
        double[] ov = optimizer.values();
        PiecePlan plan = new PiecePlan((long) weights.length + ov.length, pieceSize);
        double[][] sums = new double[plan.count()][];
        for (int j = 0; j < sums.length; j++) {
            double[] piece = new double[plan.size(j)];
            long start = plan.start(j);
            for (int i = 0; i < piece.length; i++) {
                long g = start + i;
                piece[i] = factor * (g < weights.length ? weights[(int) g] : ov[(int) (g - weights.length)]);
            }
            sums[j] = piece;
        }
        return new RoundResult(plan, weights.length, sums, counterDelta, optimizer.layout(), samples, lossSum, correct,
                trainSeconds);
    }

    RoundResult plus(RoundResult o) {
        if (o.samples == 0) {
            return o.trainSeconds > trainSeconds ? withTrainSeconds(o.trainSeconds) : this;
        }
        if (samples == 0) {
            return trainSeconds > o.trainSeconds ? o.withTrainSeconds(trainSeconds) : o;
        }
        double[][] s = new double[sums.length][];
        for (int j = 0; j < s.length; j++) {
            if (sums[j] == null || o.sums[j] == null) {
                s[j] = sums[j] == null ? o.sums[j] : sums[j];
                continue;
            }
            s[j] = sums[j].clone();
            for (int i = 0; i < s[j].length; i++) {
                s[j][i] += o.sums[j][i];
            }
        }
        long[] c = counterDelta.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += o.counterDelta[i];
        }
        return new RoundResult(plan, weightCount, s, c, optimizerLayout, samples + o.samples, lossSum + o.lossSum,
                correct + o.correct, Math.max(trainSeconds, o.trainSeconds));
    }

    RoundResult withTrainSeconds(double seconds) {
        return new RoundResult(plan, weightCount, sums, counterDelta, optimizerLayout, samples, lossSum, correct,
                seconds);
    }

    /** This result carrying only piece {@code j} of its sums (what one aggregation job brings back). */
    RoundResult onlyPiece(int j) {
        if (sums == null) {
            return this;
        }
        double[][] s = new double[sums.length][];
        s[j] = sums[j];
        return new RoundResult(plan, weightCount, s, counterDelta, optimizerLayout, samples, lossSum, correct,
                trainSeconds);
    }

    /** {@code pieces.get(j)} supplies piece j; the other fields come from the first. */
    static RoundResult join(List<RoundResult> pieces) {
        RoundResult first = pieces.get(0);
        if (first.sums == null) {
            return first;
        }
        double[][] s = new double[first.sums.length][];
        for (int j = 0; j < s.length; j++) {
            s[j] = pieces.get(j).sums[j];
        }
        return new RoundResult(first.plan, first.weightCount, s, first.counterDelta, first.optimizerLayout,
                first.samples, first.lossSum, first.correct, first.trainSeconds);
    }

    /** The averaged weights: Σ n_p·w_p / Σ n_p. */
    float[] averageWeights() {
        float[] w = new float[weightCount];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (sum(i) / samples);
        }
        return w;
    }

    /** The averaged optimizer values, Σ n_p·s_p / Σ n_p, in the replicas' layout. */
    OptimizerVector averageOptimizer() {
        double[] v = new double[(int) (plan.total() - weightCount)];
        for (int i = 0; i < v.length; i++) {
            v[i] = sum((long) weightCount + i) / samples;
        }
        return new OptimizerVector(optimizerLayout, v);
    }

    private double sum(long g) {
        return sums[(int) (g / plan.pieceSize())][(int) (g % plan.pieceSize())];
    }
}
