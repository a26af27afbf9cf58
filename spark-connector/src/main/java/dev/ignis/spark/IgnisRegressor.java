package dev.ignis.spark;

import dev.ignis.nn.F;
import dev.ignis.nn.Module;
import dev.ignis.nn.Reduction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An Ignis network as a Spark ML regressor: the network outputs one value per row ([N, 1]), trained
 * against a numeric label column with {@code loss} "mse" ({@code nn.MSELoss}, the default), "l1"
 * ({@code nn.L1Loss}) or "huber" ({@code nn.HuberLoss}, delta 1); fitting gives an
 * {@link IgnisRegressionModel} that appends the prediction. Training params:
 * {@link IgnisEstimator} (accuracy is not reported; early stopping watches the validation loss).
 *
 * <pre>{@code
 * IgnisRegressor reg = new IgnisRegressor().setModel(() -> new Sequential(new Linear(8, 32), new ReLU(),
 *         new Linear(32, 1))).setSampleShape(8).setEpochs(20).setOptimizer("adam");
 * PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler, scaler, reg}).fit(df);
 * }</pre>
 */
public final class IgnisRegressor extends IgnisEstimator<IgnisRegressionModel, IgnisRegressor> {
    private static final long serialVersionUID = 1L;

    private final Param<String> loss;

    public IgnisRegressor() {
        this(Identifiable$.MODULE$.randomUID("ignisRegressor"));
    }

    /** With a given uid (Spark ML's copy and persistence need this constructor). */
    public IgnisRegressor(String uid) {
        super(uid, "label column: the regression target (numeric)");
        loss = new Param<>(this, "loss", "the training loss: mse, l1 or huber (delta 1)",
                ParamValidators.inArray(new String[] {"mse", "l1", "huber"}));
        setDefault(loss, "mse");
    }

    public Param<String> loss() {
        return loss;
    }

    public IgnisRegressor setLoss(String v) {
        set(loss, v);
        return this;
    }

    @Override
    JavaRDD<Sample> samples(Dataset<Row> df, String featuresCol, String labelCol, String imageMode) {
        return SparkDatasets.regressionFromDataFrame(df, featuresCol, labelCol, imageMode);
    }

    /**
     * The loss between the output [N, 1] (or [N]) and the targets [N, 1], in the target's shape,
     * so that a one-value output row is compared with its row's target and nothing broadcasts.
     */
    @Override
    LossFunction lossFunction() {
        return switch (getOrDefault(loss)) {
            case "mse" -> (out, target) -> F.mseLoss(out.reshape(target.shape()), target, Reduction.MEAN);
            case "l1" -> (out, target) -> F.l1Loss(out.reshape(target.shape()), target, Reduction.MEAN);
            case "huber" -> (out, target) -> F.huberLoss(out.reshape(target.shape()), target, Reduction.MEAN, 1.0);
            default -> throw new IllegalArgumentException("loss must be mse, l1 or huber, got " + getOrDefault(loss));
        };
    }

    @Override
    boolean classification() {
        return false;
    }

    @Override
    IgnisRegressionModel newModel(String uid, SerializableSupplier<Module> factory, Module trained) {
        return new IgnisRegressionModel(uid, factory, trained);
    }

    @Override
    IgnisRegressor newEstimator(String uid) {
        return new IgnisRegressor(uid);
    }
}
