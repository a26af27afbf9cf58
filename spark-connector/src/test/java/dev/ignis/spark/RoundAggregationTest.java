package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A round's results summed on Spark: a result the driver expects in one piece is summed straight
 * from the tasks, and one that comes back in several pieces although one was expected (the first
 * round's optimizer state, unseen by the driver) gives the same sums as the piece-by-piece path.
 */
class RoundAggregationTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("round-aggregation");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Two tasks' results of 4 weights and 3 optimizer values, in pieces of {@code pieceSize}. */
    private static JavaRDD<RoundResult> tasks(int pieceSize) {
        return jsc.parallelize(List.of(0, 1), 2).map(p -> {
            float[] w = {1 + p, 2, -3 * p, 0.5f};
            OptimizerVector o = new OptimizerVector(List.of(new OptimizerVector.Slot(0, "momentum_buffer",
                    new int[] {3}, dev.ignis.tensor.DType.FLOAT32)), new double[] {0.25 * p, -1, 4});
            return RoundResult.weighted(w, o, 10 + p, pieceSize, new long[] {p}, 10 + p, 1.5, 3, 0.1);
        });
    }

    @Test
    void resultsInSeveralPiecesWhereOneWasExpectedSumAsThePiecewisePath() {
        RoundResult whole = RoundAggregation.aggregate(tasks(100), true);
        RoundResult expectedOne = RoundAggregation.aggregate(tasks(3), true);
        RoundResult piecewise = RoundAggregation.aggregate(tasks(3), false);
        assertEquals(1, whole.plan().count());
        assertEquals(3, expectedOne.plan().count());
        assertArrayEquals(whole.averageWeights(), expectedOne.averageWeights());
        assertArrayEquals(piecewise.averageWeights(), expectedOne.averageWeights());
        assertArrayEquals(new float[] {(10 * 1 + 11 * 2) / 21f, 2, -33 / 21f, 0.5f}, whole.averageWeights(), 1e-6f);
        assertArrayEquals(whole.averageOptimizer().values(), expectedOne.averageOptimizer().values());
        assertEquals(21, expectedOne.samples());
        assertArrayEquals(new long[] {1}, expectedOne.counterDelta());
    }

    @Test
    void theFirstRoundAllowsThreeOptimizerValuesPerWeight() {
        RoundState first = new RoundState(new float[100], new long[0], OptimizerVector.EMPTY, null, 0, 0, 50);
        assertEquals(true, RoundAggregation.expectOnePiece(first, 400));
        assertEquals(false, RoundAggregation.expectOnePiece(first, 399));
        RoundState later = new RoundState(new float[100], new long[0], new OptimizerVector(List.of(), new double[100]),
                null, 1, 0, 50);
        assertEquals(true, RoundAggregation.expectOnePiece(later, 200));
        assertEquals(false, RoundAggregation.expectOnePiece(later, 199));
    }
}
