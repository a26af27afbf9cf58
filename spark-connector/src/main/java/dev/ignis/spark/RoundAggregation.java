package dev.ignis.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * The driver's half of a round's exchange: the replicas' results summed with
 * {@code treeAggregate}, piece by piece when the weight vector travels in pieces, and how large a
 * piece may be.
 */
final class RoundAggregation {
    private RoundAggregation() {
    }

    /**
     * The sample-weighted sum of the tasks' results. A result in several pieces is aggregated one
     * piece per job over the cached task results (a round is a pure function of its inputs, so a
     * task recomputed after eviction returns the same result); the first job tells how many pieces
     * there are.
     */
    static RoundResult aggregate(JavaRDD<RoundResult> tasks) {
        JavaRDD<RoundResult> cached = tasks.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<RoundResult> pieces = new ArrayList<>();
            pieces.add(cached.map(r -> r.onlyPiece(0)).treeAggregate(RoundResult.ZERO, RoundResult::plus,
                    RoundResult::plus));
            int count = pieces.get(0).plan() == null ? 1 : pieces.get(0).plan().count();
            for (int j = 1; j < count; j++) {
                int p = j;
                pieces.add(cached.map(r -> r.onlyPiece(p)).treeAggregate(RoundResult.ZERO, RoundResult::plus,
                        RoundResult::plus));
            }
            return RoundResult.join(pieces);
        } finally {
            cached.unpersist(false);
        }
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
