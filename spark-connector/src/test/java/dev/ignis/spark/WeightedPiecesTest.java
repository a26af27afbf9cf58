package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task's contribution kept as float32 values and a factor must sum exactly as the double
 * products it replaces: the 1-partition-equals-local-loop guarantee rests on it.
 */
class WeightedPiecesTest {
    private static final float[] W1 = {0.1f, -2.5f, 3.0e-7f, 7.25f, 1.0f / 3};
    private static final double[] O1 = {(double) 0.3f, (double) -1.7f, (double) 9.5e3f};
    private static final float[] W2 = {1.5f, 0.2f, -4.0f, 1.0f / 7, 2.0f};
    private static final double[] O2 = {(double) 0.01f, (double) 5.5f, (double) -0.125f};

    /** factor·(w ‖ o), computed directly in double. */
    private static double expected(float[] w, double[] o, double factor, int g) {
        return factor * (g < w.length ? w[g] : o[g - w.length]);
    }

    private static double[] all(WeightedPieces p, PiecePlan plan) {
        double[] v = new double[(int) plan.total()];
        p.forEach(0, v.length, plan.pieceSize(), (i, value) -> v[i] = value);
        return v;
    }

    @Test
    void aFloatContributionReadsAsTheDoubleProducts() {
        PiecePlan plan = new PiecePlan(8, 3);
        double[] floats = all(WeightedPieces.of(W1, O1, true, 37, plan), plan);
        double[] doubles = all(WeightedPieces.of(W1, O1, false, 37, plan), plan);
        for (int g = 0; g < 8; g++) {
            assertEquals(expected(W1, O1, 37, g), floats[g], 0.0, "element " + g);
            assertEquals(expected(W1, O1, 37, g), doubles[g], 0.0, "element " + g);
        }
    }

    @Test
    void sumsOfFloatAndDoubleContributionsAreTheSameBits() {
        PiecePlan plan = new PiecePlan(8, 3);
        WeightedPieces floats = WeightedPieces.of(W1, O1, true, 64, plan).plus(WeightedPieces.of(W2, O2, true, 29, plan));
        WeightedPieces doubles = WeightedPieces.of(W1, O1, false, 64, plan)
                .plus(WeightedPieces.of(W2, O2, false, 29, plan));
        double[] a = all(floats, plan);
        double[] b = all(doubles, plan);
        for (int g = 0; g < 8; g++) {
            double sum = expected(W1, O1, 64, g) + expected(W2, O2, 29, g);
            assertEquals(sum, a[g], 0.0, "element " + g);
            assertEquals(sum, b[g], 0.0, "element " + g);
        }
    }

    @Test
    void piecesAggregatedOneAtATimeJoinIntoTheWhole() {
        PiecePlan plan = new PiecePlan(8, 3);
        WeightedPieces one = WeightedPieces.of(W1, O1, true, 3, plan);
        WeightedPieces two = WeightedPieces.of(W2, O2, true, 5, plan);
        List<WeightedPieces> perPiece = List.of(one.onlyPiece(0).plus(two.onlyPiece(0)),
                one.onlyPiece(1).plus(two.onlyPiece(1)), one.onlyPiece(2).plus(two.onlyPiece(2)));
        double[] joined = all(WeightedPieces.join(perPiece), plan);
        double[] whole = all(one.plus(two), plan);
        for (int g = 0; g < 8; g++) {
            assertEquals(whole[g], joined[g], 0.0, "element " + g);
        }
        // the inputs are unchanged by the sums, and a run can start inside a piece
        assertEquals(expected(W1, O1, 3, 4), all(one, plan)[4], 0.0);
        double[] tail = new double[4];
        one.forEach(4, 4, plan.pieceSize(), (i, value) -> tail[i] = value);
        for (int i = 0; i < 4; i++) {
            assertEquals(expected(W1, O1, 3, 4 + i), tail[i], 0.0, "element " + (4 + i));
        }
    }

    private static WeightedPieces roundTrip(WeightedPieces p) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (WeightedPieces) in.readObject();
        }
    }

    /**
     * Java serialization (as task results travel) gives back the same values bit for bit: a
     * float32 contribution, double sums, and a value carrying one piece only.
     */
    @Test
    void serializedValuesReadBackBitForBit() throws Exception {
        PiecePlan plan = new PiecePlan(8, 3);
        WeightedPieces one = WeightedPieces.of(W1, O1, true, 37, plan);
        WeightedPieces sum = one.plus(WeightedPieces.of(W2, O2, false, 29, plan));
        assertArrayEquals(all(one, plan), all(roundTrip(one), plan));
        assertArrayEquals(all(sum, plan), all(roundTrip(sum), plan));
        WeightedPieces middle = roundTrip(one.onlyPiece(1));
        assertEquals(3, middle.count());
        assertArrayEquals(all(one, plan), all(middle.plus(one.onlyPiece(0)).plus(one.onlyPiece(2)), plan));
    }
}
