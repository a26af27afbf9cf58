package dev.ignis.spark;

import java.io.Serializable;

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

    /** The piece of {@code v} (a vector of {@code total} floats) with index {@code j}. */
    float[] piece(float[] v, int j) {
        float[] p = new float[size(j)];
        System.arraycopy(v, (int) start(j), p, 0, p.length);
        return p;
    }

    /** Piece j of {@code v}, each value rounded to float32. */
    float[] floatPiece(double[] v, int j) {
        float[] p = new float[size(j)];
        long start = start(j);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) v[(int) (start + i)];
        }
        return p;
    }

    double[] piece(double[] v, int j) {
        double[] p = new double[size(j)];
        System.arraycopy(v, (int) start(j), p, 0, p.length);
        return p;
    }
}
