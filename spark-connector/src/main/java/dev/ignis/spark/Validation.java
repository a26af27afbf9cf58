package dev.ignis.spark;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The validation data, cached in its own partitions, and the distributed evaluation of a model on
 * it: each partition's loss and correct predictions in eval mode, summed on the driver.
 */
final class Validation {
    /** Sums over validation samples. */
    record Sums(double lossSum, long correct, long samples) implements Serializable {
        static final Sums ZERO = new Sums(0, 0, 0);

        Sums plus(Sums o) {
            return new Sums(lossSum + o.lossSum, correct + o.correct, samples + o.samples);
        }
    }

    private final JavaRDD<PartitionData> parts;
    private final ReplicaConfig cfg;
    private final String name;

    /** {@code parts} as the data {@code name} ("validation", "test") names in messages. */
    Validation(JavaRDD<PartitionData> parts, ReplicaConfig cfg, String name) {
        this.parts = parts;
        this.cfg = cfg;
        this.name = name;
    }

    /** {mean loss, accuracy, samples} of the model with these weights on all the samples. */
    double[] evaluate(JavaSparkContext jsc, float[] weights, long[] counters) {
        RoundBroadcast state = new RoundBroadcast(jsc, new RoundState(weights, counters, OptimizerVector.EMPTY, null,
                0, 0, 0), cfg.pieceSize());
        ReplicaConfig config = cfg;
        Sums sums = parts.map(d -> evaluate(config, state.value(), d)).treeAggregate(Sums.ZERO, Sums::plus, Sums::plus);
        state.destroy();
        if (sums.samples() == 0) {
            throw new IllegalArgumentException("the " + name + " data is empty");
        }
        return new double[] {sums.lossSum() / sums.samples(), (double) sums.correct() / sums.samples(), sums.samples()};
    }

    /** One partition's sums, in batches of the training batch size (the loss function's mean times the batch). */
    private static Sums evaluate(ReplicaConfig cfg, RoundState state, PartitionData data) {
        if (data.size() == 0) {
            return Sums.ZERO;
        }
        Device device = ExecutorDevice.forCurrentTask(cfg.device());
        Module model = cfg.newModel();
        ModelVector.load(model, state.weights(), state.counters());
        model.to(device).eval();
        Tensor x = data.featureTensor(cfg.sampleShape()).to(device);
        Tensor y = data.targetTensor().to(device);
        double lossSum = 0;
        long correct = 0;
        try (var ignored = GradMode.noGrad()) {
            for (int from = 0; from < data.size(); from += cfg.batchSize()) {
                int n = Math.min(cfg.batchSize(), data.size() - from);
                Tensor out = model.call(x.narrow(0, from, n));
                Tensor target = y.narrow(0, from, n);
                lossSum += cfg.loss().apply(out, target).item() * n;
                if (!data.regression()) {
                    correct += (long) out.argmax(1, false).eq(target).to(DType.FLOAT32).sum().item();
                }
            }
        }
        return new Sums(lossSum, correct, data.size());
    }

    void unpersist() {
        ReplicaData.uncache(parts);
    }
}
