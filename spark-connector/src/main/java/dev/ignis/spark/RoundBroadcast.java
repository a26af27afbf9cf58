package dev.ignis.spark;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.util.ArrayList;
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
     * The first broadcast: the state without its vectors, and piece 0 of each (one of the
     * optimizer's two forms is null); serialized with the pieces in bulk ({@link BulkArrays}).
     */
    private static final class Head implements Externalizable {
        private static final long serialVersionUID = 1L;
        private RoundState state;
        private float[] weights;
        private float[] optimizerFloats;
        private double[] optimizerDoubles;

        /** For deserialization. */
        public Head() {
        }

        Head(RoundState state, float[] weights, float[] optimizerFloats, double[] optimizerDoubles) {
            this.state = state;
            this.weights = weights;
            this.optimizerFloats = optimizerFloats;
            this.optimizerDoubles = optimizerDoubles;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeObject(state);
            BulkArrays.write(out, weights);
            BulkArrays.write(out, optimizerFloats);
            BulkArrays.write(out, optimizerDoubles);
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
            state = (RoundState) in.readObject();
            weights = BulkArrays.readFloats(in);
            optimizerFloats = BulkArrays.readFloats(in);
            optimizerDoubles = BulkArrays.readDoubles(in);
        }
    }

    private final Broadcast<Head> head;
    private final List<Broadcast<float[]>> weightPieces = new ArrayList<>();
    private final List<Broadcast<double[]>> optimizerPieces = new ArrayList<>();
    private final List<Broadcast<float[]>> optimizerFloatPieces = new ArrayList<>();
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
            if (floats) {
                optimizerFloatPieces.add(jsc.broadcast(op.floatPiece(o, j)));
            } else {
                optimizerPieces.add(jsc.broadcast(op.piece(o, j)));
            }
        }
        RoundState rest = new RoundState(null, state.counters(), new OptimizerVector(state.optimizer().layout(), null),
                state.hyperparameters(), state.epoch(), state.firstStep(), state.steps());
        // a plan has at least one piece, empty for an empty vector
        head = jsc.broadcast(new Head(rest, wp.piece(w, 0), floats ? op.floatPiece(o, 0) : null,
                floats ? null : op.piece(o, 0)));
    }

    /** The whole state, joined from the pieces (on an executor or the driver). */
    RoundState value() {
        Head h = head.value();
        RoundState s = h.state;
        float[] w = new float[weightCount];
        System.arraycopy(h.weights, 0, w, 0, h.weights.length);
        int at = h.weights.length;
        for (Broadcast<float[]> piece : weightPieces) {
            float[] p = piece.value();
            System.arraycopy(p, 0, w, at, p.length);
            at += p.length;
        }
        double[] o = new double[optimizerCount];
        at = 0;
        if (h.optimizerDoubles != null) {
            System.arraycopy(h.optimizerDoubles, 0, o, 0, h.optimizerDoubles.length);
            at = h.optimizerDoubles.length;
        }
        if (h.optimizerFloats != null) {
            for (float v : h.optimizerFloats) {
                o[at++] = v;
            }
        }
        for (Broadcast<double[]> piece : optimizerPieces) {
            double[] p = piece.value();
            System.arraycopy(p, 0, o, at, p.length);
            at += p.length;
        }
        for (Broadcast<float[]> piece : optimizerFloatPieces) {
            for (float v : piece.value()) {
                o[at++] = v;
            }
        }
        return new RoundState(w, s.counters(), new OptimizerVector(s.optimizer().layout(), o), s.hyperparameters(),
                s.epoch(), s.firstStep(), s.steps());
    }

    void destroy() {
        head.destroy();
        weightPieces.forEach(Broadcast::destroy);
        optimizerPieces.forEach(Broadcast::destroy);
        optimizerFloatPieces.forEach(Broadcast::destroy);
    }
}
