package dev.ignis.spark;

import dev.ignis.nn.F;
import dev.ignis.nn.Module;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An Ignis network as a Spark ML classifier: trained with cross-entropy on class-index labels
 * (0..C-1, whole numbers in a numeric column, e.g. from {@code StringIndexer}); fitting gives an
 * {@link IgnisClassificationModel} that appends logits, probabilities and the predicted class.
 * Training params: {@link IgnisEstimator}.
 *
 * <pre>{@code
 * IgnisClassifier clf = new IgnisClassifier().setModel(() -> buildNet()).setSampleShape(6)
 *         .setEpochs(5).setOptimizer("adam").setLearningRate(0.01);
 * PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {indexer, assembler, scaler, clf}).fit(df);
 * }</pre>
 */
public final class IgnisClassifier extends IgnisEstimator<IgnisClassificationModel, IgnisClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    public IgnisClassifier() {
        this(Identifiable$.MODULE$.randomUID("ignisClassifier"));
    }

    /** With a given uid (Spark ML's copy and persistence need this constructor). */
    public IgnisClassifier(String uid) {
        super(uid, "label column: class indices 0..C-1 (numeric, whole numbers)");
        probabilityCol = ColumnParams.probabilityCol(this);
        rawPredictionCol = ColumnParams.rawPredictionCol(this);
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public IgnisClassifier setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public IgnisClassifier setRawPredictionCol(String v) {
        set(rawPredictionCol, v);
        return this;
    }

    @Override
    JavaRDD<Sample> samples(Dataset<Row> df, String featuresCol, String labelCol, String imageMode) {
        return SparkDatasets.fromDataFrame(df, featuresCol, labelCol, imageMode);
    }

    @Override
    LossFunction lossFunction() {
        return F::crossEntropy;
    }

    @Override
    boolean classification() {
        return true;
    }

    @Override
    IgnisClassificationModel newModel(String uid, SerializableSupplier<Module> factory, Module trained) {
        return new IgnisClassificationModel(uid, factory, trained);
    }

    @Override
    IgnisClassifier newEstimator(String uid) {
        return new IgnisClassifier(uid);
    }
}
