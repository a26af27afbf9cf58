package dev.ignis.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One task's contribution to a round, already weighted for the sample-weighted average: the
 * weights followed by the optimizer values, times the samples the task trained on, as one vector
 * cut into pieces by {@code plan} ({@link WeightedPieces}: float32 values and their factor for
 * one task, double sums once added; a piece is null when this result does not carry it); the
 * counters' increase, the sample count, the loss and hit sums, and the longest training time of
 * any task (to tell training from round overhead). {@link #plus} is the treeAggregate combiner.
 */
record RoundResult(PiecePlan plan, int weightCount, WeightedPieces sums, long[] counterDelta,
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
        WeightedPieces sums = WeightedPieces.of(weights, ov, optimizer.isFloat32(), factor, plan);
        return new RoundResult(plan, weights.length, sums, counterDelta, optimizer.layout(), samples, lossSum, correct,
                trainSeconds);
    }

    /** The pieces this result's sums are cut into (1 for a result without sums). */
    int pieceCount() {
        return plan == null ? 1 : plan.count();
    }

    RoundResult plus(RoundResult o) {
        if (o.samples == 0) {
            return o.trainSeconds > trainSeconds ? withTrainSeconds(o.trainSeconds) : this;
        }
        if (samples == 0) {
            return trainSeconds > o.trainSeconds ? o.withTrainSeconds(trainSeconds) : o;
        }
        long[] c = counterDelta.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += o.counterDelta[i];
        }
        return new RoundResult(plan, weightCount, sums.plus(o.sums), c, optimizerLayout, samples + o.samples,
                lossSum + o.lossSum, correct + o.correct, Math.max(trainSeconds, o.trainSeconds));
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
        return new RoundResult(plan, weightCount, sums.onlyPiece(j), counterDelta, optimizerLayout, samples, lossSum,
                correct, trainSeconds);
    }

    /** {@code pieces.get(j)} supplies piece j; the other fields come from the first. */
    static RoundResult join(List<RoundResult> pieces) {
        RoundResult first = pieces.get(0);
        if (first.sums == null) {
            return first;
        }
        return new RoundResult(first.plan, first.weightCount,
                WeightedPieces.join(pieces.stream().map(RoundResult::sums).toList()), first.counterDelta,
                first.optimizerLayout, first.samples, first.lossSum, first.correct, first.trainSeconds);
    }

    /** The averaged weights: Σ n_p·w_p / Σ n_p. */
    float[] averageWeights() {
        float[] w = new float[weightCount];
        sums.forEach(0, w.length, plan.pieceSize(), (i, sum) -> w[i] = (float) (sum / samples));
        return w;
    }

    /** The averaged optimizer values, Σ n_p·s_p / Σ n_p, in the replicas' layout. */
    OptimizerVector averageOptimizer() {
        double[] v = new double[(int) (plan.total() - weightCount)];
        sums.forEach(weightCount, v.length, plan.pieceSize(), (i, sum) -> v[i] = sum / samples);
        return new OptimizerVector(optimizerLayout, v);
    }
}
