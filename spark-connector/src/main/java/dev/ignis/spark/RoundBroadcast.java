package dev.ignis.spark;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A round's {@link RoundState} broadcast in pieces: the weight vector and the optimizer values
 * each as pieces of at most {@code pieceSize} elements, so weights past 2 GB travel. One broadcast
 * carries the state without its vectors together with the first piece of each, and every further
 * piece is a broadcast of its own: a model that fits one piece travels in a single broadcast
 * (each broadcast costs the driver a registration and a removal on top of its bytes). Executors
 * join the pieces back into the state. Optimizer values travel as float32 when every slot of the
 * layout is float32 (momentum buffers, Adam's moments): a replica casts each value to its slot's
 * dtype on loading, so the doubles' extra bits never arrive anyway, and the broadcast is a third
 * smaller for SGD with momentum.
 */
final class RoundBroadcast implements Serializable {
    /**
     * A piece of the optimizer's values, serialized in bulk ({@link BulkArrays}): as float32 when
     * its layout is float32, read back widened to double.
     */
    private static final class OptimizerPiece implements Externalizable {
        private static final long serialVersionUID = 1L;
        private double[] values;
        private boolean asFloats;

        /** For deserialization. */
        public OptimizerPiece() {
        }

        OptimizerPiece(double[] values, boolean asFloats) {
            this.values = values;
            this.asFloats = asFloats;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeBoolean(asFloats);
            if (asFloats) {
                BulkArrays.writeAsFloats(out, values);
            } else {
                BulkArrays.write(out, values);
            }
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            asFloats = in.readBoolean();
            values = asFloats ? BulkArrays.readFloatsAsDoubles(in) : BulkArrays.readDoubles(in);
        }
    }

    /**
     * The first broadcast: the state without its vectors, and piece 0 of each, the weights
     * serialized in bulk. Where a vector is one piece, piece 0 is the state's own array (see
     * {@link PiecePlan#piece}): nothing is copied on the driver, and a task in the driver's JVM
     * (local mode) reads the driver's arrays themselves.
     */
    private static final class Head implements Externalizable {
        private static final long serialVersionUID = 3L;
        private RoundState state;
        private float[] weights;
        private OptimizerPiece optimizer;

        /** For deserialization. */
        public Head() {
        }

        Head(RoundState state, float[] weights, OptimizerPiece optimizer) {
            this.state = state;
            this.weights = weights;
            this.optimizer = optimizer;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeObject(state);
            BulkArrays.write(out, weights);
            optimizer.writeExternal(out);
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
            state = (RoundState) in.readObject();
            weights = BulkArrays.readFloats(in);
            optimizer = new OptimizerPiece();
            optimizer.readExternal(in);
        }
    }

    private final Broadcast<Head> head;
    private final List<Broadcast<float[]>> weightPieces = new ArrayList<>();
    private final List<Broadcast<OptimizerPiece>> optimizerPieces = new ArrayList<>();
    private final int weightCount;
    private final int optimizerCount;

    RoundBroadcast(JavaSparkContext jsc, RoundState state, int pieceSize) {
        float[] w = state.weights();
        double[] o = state.optimizer().values();
        weightCount = w.length;
        optimizerCount = o.length;
        PiecePlan wp = new PiecePlan(w.length, pieceSize);
        for (int j = 1; j < wp.count(); j++) {
            weightPieces.add(jsc.broadcast(wp.piece(w, j)));
        }
        PiecePlan op = new PiecePlan(o.length, pieceSize);
        boolean floats = state.optimizer().isFloat32();
        for (int j = 1; j < op.count(); j++) {
            optimizerPieces.add(jsc.broadcast(new OptimizerPiece(op.piece(o, j), floats)));
        }
        RoundState rest = new RoundState(null, state.counters(), new OptimizerVector(state.optimizer().layout(), null),
                state.hyperparameters(), state.epoch(), state.firstStep(), state.steps());
        // a plan has at least one piece, empty for an empty vector
        head = jsc.broadcast(new Head(rest, wp.piece(w, 0), new OptimizerPiece(op.piece(o, 0), floats)));
    }

    /**
     * The whole state, joined from the pieces (on an executor or the driver). A vector that is one
     * piece is the broadcast's own array (the driver's, in the driver's JVM), not a copy: callers
     * only read the state's vectors, which is all a round does with them.
     */
    RoundState value() {
        Head h = head.value();
        RoundState s = h.state;
        float[] w = h.weights;
        if (!weightPieces.isEmpty()) {
            w = Arrays.copyOf(h.weights, weightCount);
            int at = h.weights.length;
            for (Broadcast<float[]> piece : weightPieces) {
                float[] p = piece.value();
                System.arraycopy(p, 0, w, at, p.length);
                at += p.length;
            }
        }
        double[] o = h.optimizer.values;
        if (!optimizerPieces.isEmpty()) {
            o = Arrays.copyOf(h.optimizer.values, optimizerCount);
            int at = h.optimizer.values.length;
            for (Broadcast<OptimizerPiece> piece : optimizerPieces) {
                double[] p = piece.value().values;
                System.arraycopy(p, 0, o, at, p.length);
                at += p.length;
            }
        }
        return new RoundState(w, s.counters(), new OptimizerVector(s.optimizer().layout(), o), s.hyperparameters(),
                s.epoch(), s.firstStep(), s.steps());
    }

    void destroy() {
        head.destroy();
        weightPieces.forEach(Broadcast::destroy);
        optimizerPieces.forEach(Broadcast::destroy);
    }
}
