package dev.ignis.spark;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.api.java.UDF1;

/**
 * A model's prediction as a SQL function of one features value (an ML Vector or an array of
 * numbers): the class index, as a double. Each task builds the model once from the broadcast
 * weights; rows are scored one at a time, so {@link IgnisClassificationModel#transform}, which
 * scores batches, is the faster way for large tables.
 */
final class PredictionUdf implements UDF1<Object, Double> {
    private static final long serialVersionUID = 1L;

    private final ClassifierScoring scoring;
    private final FeatureColumn features;
    private final int[] batchShape;
    private final Broadcast<float[]> weights;
    private final Broadcast<long[]> counters;
    private transient Module model;
    private transient Device device;

    PredictionUdf(ClassifierScoring scoring, FeatureColumn features, int[] sampleShape, Broadcast<float[]> weights,
                  Broadcast<long[]> counters) {
        this.scoring = scoring;
        this.features = features;
        this.batchShape = Replica.shape(1, sampleShape);
        this.weights = weights;
        this.counters = counters;
    }

    @Override
    public Double call(Object value) {
        if (model == null) {
            device = ExecutorDevice.forCurrentTask();
            model = scoring.model(weights.value(), counters.value(), device);
        }
        float[] f = features.read(value, "a row");
        try (var ignored = GradMode.noGrad()) {
            float[] logits = model.call(Tensor.fromArray(f).reshape(batchShape).to(device)).toFloatArray();
            return (double) ClassifierScoring.argmax(logits, 0, logits.length);
        }
    }
}
