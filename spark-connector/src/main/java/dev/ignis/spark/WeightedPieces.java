package dev.ignis.spark;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.util.List;

/**
 * factor·v for a vector v cut into pieces by a {@link PiecePlan}, as a round's results carry the
 * weights and optimizer values: a single task's contribution is kept as v's float32 values and
 * the factor, which halves what it sends back against doubles, and becomes double sums once two
 * contributions are added. A piece is null where this value does not carry it (see
 * {@link #onlyPiece}). Immutable: no method modifies its inputs or this.
 */
final class WeightedPieces implements Serializable {
    /** v's pieces while this is one contribution, else null. */
    private final float[][] values;
    private final double factor;
    /** The summed pieces once contributions were added, else null. */
    private final double[][] sums;

    private WeightedPieces(float[][] values, double factor, double[][] sums) {
        this.values = values;
        this.factor = factor;
        this.sums = sums;
    }

    /**
     * factor·(weights ‖ optimizer values) in the pieces of {@code plan}; held as float32 when
     * {@code optimizerIsFloat} (every optimizer value is a float32 widened, so nothing is lost),
     * else as double products.
     */
    static WeightedPieces of(float[] weights, double[] optimizer, boolean optimizerIsFloat, double factor,
                             PiecePlan plan) {
        int count = plan.count();
        if (optimizerIsFloat) {
            float[][] v = new float[count][];
            for (int j = 0; j < count; j++) {
                v[j] = new float[plan.size(j)];
                long start = plan.start(j);
                for (int i = 0; i < v[j].length; i++) {
                    long g = start + i;
                    v[j][i] = g < weights.length ? weights[(int) g] : (float) optimizer[(int) (g - weights.length)];
                }
            }
            return new WeightedPieces(v, factor, null);
        }
        double[][] s = new double[count][];
        for (int j = 0; j < count; j++) {
            s[j] = new double[plan.size(j)];
            long start = plan.start(j);
            for (int i = 0; i < s[j].length; i++) {
                long g = start + i;
                s[j][i] = factor * (g < weights.length ? weights[(int) g] : optimizer[(int) (g - weights.length)]);
            }
        }
        return new WeightedPieces(null, 1, s);
    }

    int count() {
        return values != null ? values.length : sums.length;
    }

    private boolean carries(int j) {
        return values != null ? values[j] != null : sums[j] != null;
    }

    /** Piece j as double products factor·v (a new array while this is one contribution). */
    private double[] weighted(int j) {
        if (sums != null) {
            return sums[j];
        }
        float[] v = values[j];
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = factor * v[i];
        }
        return s;
    }

    /** The elementwise sum; a piece only one side carries is taken as it is. */
    WeightedPieces plus(WeightedPieces o) {
        double[][] s = new double[count()][];
        for (int j = 0; j < s.length; j++) {
            if (!carries(j) || !o.carries(j)) {
                s[j] = carries(j) ? weighted(j) : o.carries(j) ? o.weighted(j) : null;
                continue;
            }
            double[] a = weighted(j);
            s[j] = sums != null ? a.clone() : a;
            double[] b = o.weighted(j);
            for (int i = 0; i < s[j].length; i++) {
                s[j][i] += b[i];
            }
        }
        return new WeightedPieces(null, 1, s);
    }

    /** This value carrying only piece j. */
    WeightedPieces onlyPiece(int j) {
        if (values != null) {
            float[][] v = new float[values.length][];
            v[j] = values[j];
            return new WeightedPieces(v, factor, null);
        }
        double[][] s = new double[sums.length][];
        s[j] = sums[j];
        return new WeightedPieces(null, 1, s);
    }

    /** Piece j from {@code pieces.get(j)}. */
    static WeightedPieces join(List<WeightedPieces> pieces) {
        if (pieces.size() == 1) {
            return pieces.get(0);
        }
        double[][] s = new double[pieces.get(0).count()][];
        for (int j = 0; j < s.length; j++) {
            s[j] = pieces.get(j).weighted(j);
        }
        return new WeightedPieces(null, 1, s);
    }

    /** Receives element {@code i} of a run of values. */
    interface ValueSink {
        void accept(int i, double value);
    }

    /**
     * Hands elements {@code from .. from + n - 1} (global positions, {@code pieceSize} elements per
     * piece) to {@code sink} as (i, value) with i counted from 0, walking the pieces in order: no
     * division per element, unlike {@link #get}.
     */
    void forEach(long from, int n, int pieceSize, ValueSink sink) {
        int i = 0;
        while (i < n) {
            long g = from + i;
            int j = (int) (g / pieceSize);
            int at = (int) (g % pieceSize);
            int run = Math.min(n - i, (values != null ? values[j].length : sums[j].length) - at);
            if (sums != null) {
                double[] piece = sums[j];
                for (int k = 0; k < run; k++) {
                    sink.accept(i + k, piece[at + k]);
                }
            } else {
                float[] piece = values[j];
                for (int k = 0; k < run; k++) {
                    sink.accept(i + k, factor * piece[at + k]);
                }
            }
            i += run;
        }
    }

    /** Serialized as {@link Wire}. */
    private Object writeReplace() {
        return new Wire(values, factor, sums);
    }

    /** The serialized form of a {@link WeightedPieces}: each piece's values in bulk ({@link BulkArrays}). */
    private static final class Wire implements Externalizable {
        private static final long serialVersionUID = 1L;
        private float[][] values;
        private double factor;
        private double[][] sums;

        /** For deserialization. */
        public Wire() {
        }

        Wire(float[][] values, double factor, double[][] sums) {
            this.values = values;
            this.factor = factor;
            this.sums = sums;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            boolean floats = values != null;
            out.writeBoolean(floats);
            out.writeDouble(factor);
            out.writeInt(floats ? values.length : sums.length);
            if (floats) {
                for (float[] piece : values) {
                    BulkArrays.write(out, piece);
                }
            } else {
                for (double[] piece : sums) {
                    BulkArrays.write(out, piece);
                }
            }
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            boolean floats = in.readBoolean();
            factor = in.readDouble();
            int count = in.readInt();
            values = floats ? new float[count][] : null;
            sums = floats ? null : new double[count][];
            for (int j = 0; j < count; j++) {
                if (floats) {
                    values[j] = BulkArrays.readFloats(in);
                } else {
                    sums[j] = BulkArrays.readDoubles(in);
                }
            }
        }

        private Object readResolve() {
            return new WeightedPieces(values, factor, sums);
        }
    }
}
