package dev.ignis.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * The driver's half of a round's exchange: the replicas' results summed with
 * {@code treeAggregate} (or reduce, or at the driver in partition order where every result comes
 * to the driver anyway), piece by piece when the weight vector travels in pieces, and how large a
 * piece may be.
 */
final class RoundAggregation {
    private RoundAggregation() {
    }

    /**
     * The sample-weighted sum of the tasks' results. A result expected in one piece is aggregated by
     * one job straight from the tasks. A result in several pieces is aggregated one piece per job
     * over the cached task results (a round is a pure function of its inputs, so a task recomputed
     * after eviction returns the same result); when a result the driver expected in one piece comes
     * back in several (the optimizer state of the first round, before the driver has seen it, made
     * it larger), the round runs again over cached results.
     *
     * @param onePiece whether the driver expects the round's results in a single piece
     */
    static RoundResult aggregate(JavaRDD<RoundResult> tasks, boolean onePiece) {
        if (onePiece) {
            RoundResult whole = sum(tasks);
            if (whole.pieceCount() == 1) {
                return whole;
            }
        }
        JavaRDD<RoundResult> cached = tasks.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<RoundResult> pieces = new ArrayList<>();
            pieces.add(sum(cached.map(r -> r.onlyPiece(0))));
            int count = pieces.get(0).pieceCount();
            for (int j = 1; j < count; j++) {
                int p = j;
                pieces.add(sum(cached.map(r -> r.onlyPiece(p))));
            }
            return RoundResult.join(pieces);
        } finally {
            cached.unpersist(false);
        }
    }

    /** The sum of {@code results} in their order (the partitions' order for a job's results). */
    static RoundResult sum(RoundResult[] results) {
        RoundResult sum = RoundResult.ZERO;
        for (RoundResult r : results) {
            sum = sum.plus(r);
        }
        return sum;
    }

    /**
     * The sum of {@code results}: with treeAggregate (depth 2) where it sums partitions on the
     * executors first; where it would bring every partition's result to the driver anyway (up to
     * four partitions), with reduce, the same sums in one job without treeAggregate's extra stage
     * of closures (a few milliseconds a round).
     */
    private static RoundResult sum(JavaRDD<RoundResult> results) {
        int partitions = results.getNumPartitions();
        if (partitions > 0 && resultsAtDriver(partitions) == partitions) {
            return results.reduce(RoundResult::plus);
        }
        return results.treeAggregate(RoundResult.ZERO, RoundResult::plus, RoundResult::plus);
    }

    /**
     * Whether the results of a round from {@code state} fit one piece: the weights and the optimizer
     * values the driver has; before it has any (the first round), three values per weight are
     * allowed for them (SGD's momentum takes one, Adam's moments two), and a larger state is caught by
     * {@link #aggregate}'s check.
     */
    static boolean expectOnePiece(RoundState state, int pieceSize) {
        long weights = state.weights().length;
        long optimizer = state.optimizer().values().length;
        return weights + (optimizer > 0 ? optimizer : 3 * weights) <= pieceSize;
    }

    /**
     * Values per piece: at most maxPieceBytes / 8, and few enough that the partial aggregates
     * treeAggregate (depth 2) brings to the driver fit in 80% of spark.driver.maxResultSize.
     */
    static int pieceElements(JavaSparkContext jsc, int partitions, long maxPieceBytes) {
        long limit = maxPieceBytes / 8;
        long maxResult = jsc.sc().conf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
        if (maxResult > 0) {
            limit = Math.min(limit, Math.max(1, (long) (0.8 * maxResult) / (8L * resultsAtDriver(partitions))));
        }
        return (int) Math.min(limit, Integer.MAX_VALUE - 8);
    }

    /** How many partial aggregates Spark's treeAggregate with depth 2 sends to the driver. */
    static int resultsAtDriver(int partitions) {
        int n = Math.max(1, partitions);
        int scale = Math.max((int) Math.ceil(Math.sqrt(n)), 2);
        while (n > scale + Math.ceil((double) n / scale)) {
            n /= scale;
        }
        return n;
    }

}
