package dev.ignis.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How a vector of {@code total} elements is cut into pieces of at most {@code pieceSize} elements for
 * the trip between driver and executors. Spark serializes a broadcast value or a task result into
 * buffers indexed by int, so no single piece may reach 2 GB; piece j holds elements
 * [j·pieceSize, min(total, (j+1)·pieceSize)).
 */
record PiecePlan(long total, int pieceSize) implements Serializable {

    PiecePlan {
        if (pieceSize < 1 || total < 0) {
            throw new IllegalArgumentException("pieceSize must be >= 1 and total >= 0, got " + pieceSize + ", " + total);
        }
    }

    int count() {
        return (int) Math.max(1, (total + pieceSize - 1) / pieceSize);
    }

    long start(int j) {
        return (long) j * pieceSize;
    }

    int size(int j) {
        return (int) (Math.min(total, start(j) + pieceSize) - start(j));
    }

    /**
     * The piece of {@code v} (a vector of {@code total} floats) with index {@code j}: {@code v}
     * itself when it is one piece (the pieces are only read), else a copy of the range.
     */
    float[] piece(float[] v, int j) {
        return count() == 1 ? v : Arrays.copyOfRange(v, (int) start(j), (int) start(j) + size(j));
    }

    /** Piece j of {@code v}, as {@link #piece(float[], int)}. */
    double[] piece(double[] v, int j) {
        return count() == 1 ? v : Arrays.copyOfRange(v, (int) start(j), (int) start(j) + size(j));
    }
}
