package dev.ignis.spark;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.api.java.UDF1;

/**
 * A model's prediction as a SQL function of one features value (an ML Vector or an array of
 * numbers): the class index (a classifier's) or the output value (a regressor's), as a double.
 * Each task builds the model once from the broadcast weights; rows are scored one at a time, so
 * the model's {@code transform}, which scores batches, is the faster way for large tables.
 */
final class PredictionUdf implements UDF1<Object, Double> {
    private static final long serialVersionUID = 1L;

    private final BatchScoring scoring;
    private final FeatureColumn features;
    private final int[] batchShape;
    private final Broadcast<float[]> weights;
    private final Broadcast<long[]> counters;
    private transient Module model;
    private transient Device device;

    PredictionUdf(BatchScoring scoring, FeatureColumn features, int[] sampleShape, Broadcast<float[]> weights,
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
            device = scoring.taskDevice();
            model = scoring.model(weights.value(), counters.value(), device);
        }
        float[] f = features.read(value, "a row");
        try (var ignored = GradMode.noGrad()) {
            float[] out = model.call(Tensor.fromArray(f).reshape(batchShape).to(device)).toFloatArray();
            return scoring.prediction(out, 0, out.length);
        }
    }
}
