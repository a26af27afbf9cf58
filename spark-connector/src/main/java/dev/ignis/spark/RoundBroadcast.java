package dev.ignis.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A round's {@link RoundState} broadcast in pieces: the weight vector and the optimizer values
 * each as pieces of at most {@code pieceSize} elements (one broadcast per piece, so weights past 2 GB
 * travel), everything else in one small broadcast. Executors join the pieces back into the state.
 * Optimizer values travel as float32 when every slot of the layout is float32 (momentum buffers,
 * Adam's moments): a replica casts each value to its slot's dtype on loading, so the doubles'
 * extra bits never arrive anyway, and the broadcast is a third smaller for SGD with momentum.
 */
final class RoundBroadcast implements Serializable {
    private final Broadcast<RoundState> rest;
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
        for (int j = 0; j < wp.count(); j++) {
            weightPieces.add(jsc.broadcast(wp.piece(w, j)));
        }
        PiecePlan op = new PiecePlan(o.length, pieceSize);
        boolean floats = state.optimizer().isFloat32();
        for (int j = 0; j < op.count(); j++) {
            if (floats) {
                optimizerFloatPieces.add(jsc.broadcast(op.floatPiece(o, j)));
            } else {
                optimizerPieces.add(jsc.broadcast(op.piece(o, j)));
            }
        }
        rest = jsc.broadcast(new RoundState(null, state.counters(),
                new OptimizerVector(state.optimizer().layout(), null), state.hyperparameters(), state.epoch(), state.firstStep(),
                state.steps()));
    }

    /** The whole state, joined from the pieces (on an executor or the driver). */
    RoundState value() {
        RoundState s = rest.value();
        float[] w = new float[weightCount];
        int at = 0;
        for (Broadcast<float[]> piece : weightPieces) {
            float[] p = piece.value();
            System.arraycopy(p, 0, w, at, p.length);
            at += p.length;
        }
        double[] o = new double[optimizerCount];
        at = 0;
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
        return new RoundState(w, s.counters(), new OptimizerVector(s.optimizer().layout(), o), s.hyperparameters(), s.epoch(),
                s.firstStep(), s.steps());
    }

    int pieces() {
        return weightPieces.size() + optimizerPieces.size() + optimizerFloatPieces.size();
    }

    void destroy() {
        rest.destroy();
        weightPieces.forEach(Broadcast::destroy);
        optimizerPieces.forEach(Broadcast::destroy);
        optimizerFloatPieces.forEach(Broadcast::destroy);
    }
}
