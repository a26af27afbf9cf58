package dev.ignis.spark;

import dev.ignis.nn.F;
import dev.ignis.nn.Module;
import dev.ignis.optim.Adam;
import dev.ignis.optim.AdamW;
import dev.ignis.optim.SGD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * An Ignis network as a Spark ML classifier (an {@link Estimator}, usable in a {@code Pipeline}
 * after {@code VectorAssembler}, {@code StandardScaler}, {@code StringIndexer}): {@link #fit}
 * trains it with {@link DistributedTrainer} (cross-entropy on class-index labels, parameters
 * averaged across {@code replicas} every {@code stepsPerRound} steps, SWA when
 * {@code swaStartEpoch} ≥ 0; with {@code validationFraction} > 0 a held-out share is evaluated
 * every epoch, the best epoch's model is kept and {@code earlyStoppingPatience} can stop early)
 * and returns an {@link IgnisClassificationModel} with the same
 * column params. The architecture comes from {@link #setModel} (a serializable factory, as for
 * the trainer); everything else is a typed Spark ML {@code Param}, so {@code explainParams},
 * {@code ParamGridBuilder} and {@code copy} work as for Spark's own estimators.
 *
 * <pre>{@code
 * IgnisClassifier clf = new IgnisClassifier().setModel(() -> buildNet()).setSampleShape(6)
 *         .setEpochs(5).setOptimizer("adam").setLearningRate(0.01);
 * PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {indexer, assembler, scaler, clf}).fit(df);
 * }</pre>
 */
public final class IgnisClassifier extends Estimator<IgnisClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private SerializableSupplier<Module> model;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> imageMode;
    private final IntArrayParam sampleShape;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final IntParam stepsPerRound;
    private final IntParam replicas;
    private final LongParam seed;
    private final Param<String> optimizer;
    private final DoubleParam learningRate;
    private final DoubleParam momentum;
    private final DoubleParam weightDecay;
    private final IntParam swaStartEpoch;
    private final DoubleParam swaLr;
    private final DoubleParam validationFraction;
    private final IntParam earlyStoppingPatience;
    private final DoubleParam earlyStoppingMinDelta;

    public IgnisClassifier() {
        this(Identifiable$.MODULE$.randomUID("ignisClassifier"));
    }

    /** With a given uid (Spark ML's copy and persistence need this constructor). */
    public IgnisClassifier(String uid) {
        this.uid = uid;
        featuresCol = ColumnParams.featuresCol(this);
        labelCol = new Param<>(this, "labelCol", "label column: class indices 0..C-1 (numeric, whole numbers)");
        predictionCol = ColumnParams.predictionCol(this);
        probabilityCol = ColumnParams.probabilityCol(this);
        rawPredictionCol = ColumnParams.rawPredictionCol(this);
        imageMode = ColumnParams.imageMode(this);
        sampleShape = ColumnParams.sampleShape(this);
        epochs = new IntParam(this, "epochs", "passes over the data", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "samples per step on each replica", ParamValidators.gtEq(1));
        stepsPerRound = new IntParam(this, "stepsPerRound", "local steps between averagings (0: once per epoch)",
                ParamValidators.gtEq(0));
        replicas = new IntParam(this, "replicas", "replicas trained side by side (0: the cluster's task slots)",
                ParamValidators.gtEq(0));
        seed = new LongParam(this, "seed", "random seed (shuffles, dealing to replicas)");
        optimizer = new Param<>(this, "optimizer", "sgd, adam or adamw (PyTorch's defaults otherwise)",
                ParamValidators.inArray(new String[] {"sgd", "adam", "adamw"}));
        learningRate = new DoubleParam(this, "learningRate", "the optimizer's lr", ParamValidators.gt(0));
        momentum = new DoubleParam(this, "momentum", "SGD's momentum", ParamValidators.gtEq(0));
        weightDecay = new DoubleParam(this, "weightDecay", "weight decay (adamw: decoupled; default 0, adamw 0.01)",
                ParamValidators.gtEq(0));
        swaStartEpoch = new IntParam(this, "swaStartEpoch", "SWA from this epoch (0-based) on, the model then being"
                + " the SWA average; -1: no SWA", ParamValidators.gtEq(-1));
        swaLr = new DoubleParam(this, "swaLr", "SWALR's target lr during SWA", ParamValidators.gt(0));
        validationFraction = new DoubleParam(this, "validationFraction", "share of the rows held out (seeded) to"
                + " evaluate every epoch; the fitted model is then the best epoch's by validation loss (unless SWA);"
                + " 0: none", ParamValidators.inRange(0, 1, true, false));
        earlyStoppingPatience = new IntParam(this, "earlyStoppingPatience", "stop after this many epochs without the"
                + " validation loss improving by more than earlyStoppingMinDelta; 0: never",
                ParamValidators.gtEq(0));
        earlyStoppingMinDelta = new DoubleParam(this, "earlyStoppingMinDelta", "the least decrease of the validation"
                + " loss that counts as an improvement", ParamValidators.gtEq(0));
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(imageMode, "RGB");
        setDefault(epochs, 1);
        setDefault(batchSize, 64);
        setDefault(stepsPerRound, 0);
        setDefault(replicas, 0);
        setDefault(seed, 0L);
        setDefault(optimizer, "sgd");
        setDefault(learningRate, 0.01);
        setDefault(momentum, 0.0);
        setDefault(swaStartEpoch, -1);
        setDefault(swaLr, 0.05);
        setDefault(validationFraction, 0.0);
        setDefault(earlyStoppingPatience, 0);
        setDefault(earlyStoppingMinDelta, 0.0);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The network to train, built on the driver and on every executor (required). */
    public IgnisClassifier setModel(SerializableSupplier<Module> factory) {
        model = factory;
        return this;
    }

    // ------------------------------------------------------------- params (Spark ML finds them by these getters)

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public Param<String> imageMode() {
        return imageMode;
    }

    public IntArrayParam sampleShape() {
        return sampleShape;
    }

    public IntParam epochs() {
        return epochs;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam stepsPerRound() {
        return stepsPerRound;
    }

    public IntParam replicas() {
        return replicas;
    }

    public LongParam seed() {
        return seed;
    }

    public Param<String> optimizer() {
        return optimizer;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public DoubleParam momentum() {
        return momentum;
    }

    public DoubleParam weightDecay() {
        return weightDecay;
    }

    public IntParam swaStartEpoch() {
        return swaStartEpoch;
    }

    public DoubleParam swaLr() {
        return swaLr;
    }

    public DoubleParam validationFraction() {
        return validationFraction;
    }

    public IntParam earlyStoppingPatience() {
        return earlyStoppingPatience;
    }

    public DoubleParam earlyStoppingMinDelta() {
        return earlyStoppingMinDelta;
    }

    // ------------------------------------------------------------- setters

    public IgnisClassifier setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    public IgnisClassifier setLabelCol(String v) {
        set(labelCol, v);
        return this;
    }

    public IgnisClassifier setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public IgnisClassifier setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public IgnisClassifier setRawPredictionCol(String v) {
        set(rawPredictionCol, v);
        return this;
    }

    public IgnisClassifier setImageMode(String v) {
        set(imageMode, v);
        return this;
    }

    public IgnisClassifier setSampleShape(int... v) {
        set(sampleShape, v.clone());
        return this;
    }

    public IgnisClassifier setEpochs(int v) {
        set(epochs, v);
        return this;
    }

    public IgnisClassifier setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    public IgnisClassifier setStepsPerRound(int v) {
        set(stepsPerRound, v);
        return this;
    }

    public IgnisClassifier setReplicas(int v) {
        set(replicas, v);
        return this;
    }

    public IgnisClassifier setSeed(long v) {
        set(seed, v);
        return this;
    }

    public IgnisClassifier setOptimizer(String v) {
        set(optimizer, v);
        return this;
    }

    public IgnisClassifier setLearningRate(double v) {
        set(learningRate, v);
        return this;
    }

    public IgnisClassifier setMomentum(double v) {
        set(momentum, v);
        return this;
    }

    public IgnisClassifier setWeightDecay(double v) {
        set(weightDecay, v);
        return this;
    }

    public IgnisClassifier setSwaStartEpoch(int v) {
        set(swaStartEpoch, v);
        return this;
    }

    public IgnisClassifier setSwaLr(double v) {
        set(swaLr, v);
        return this;
    }

    public IgnisClassifier setValidationFraction(double v) {
        set(validationFraction, v);
        return this;
    }

    public IgnisClassifier setEarlyStoppingPatience(int v) {
        set(earlyStoppingPatience, v);
        return this;
    }

    public IgnisClassifier setEarlyStoppingMinDelta(double v) {
        set(earlyStoppingMinDelta, v);
        return this;
    }

    // ------------------------------------------------------------- Estimator

    /**
     * The fitted model's output schema, checked before any job.
     *
     * @throws IllegalArgumentException naming the column or param: a missing or mistyped features
     *                                  or label column, an existing output column, no model or
     *                                  sample shape set
     */
    @Override
    public StructType transformSchema(StructType schema) {
        if (model == null) {
            throw new IllegalArgumentException("IgnisClassifier: no model set (setModel(() -> buildNet()))");
        }
        SparkDatasets.checkLabel(schema, getOrDefault(labelCol));
        return emptyModel().transformSchema(schema);
    }

    /** A model with this estimator's column params and no weights, to check and build schemas. */
    private IgnisClassificationModel emptyModel() {
        return copyValues(new IgnisClassificationModel(uid, model, null), ParamMap.empty());
    }

    @Override
    public IgnisClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        JavaRDD<Sample> samples = SparkDatasets.fromDataFrame(dataset.toDF(), getOrDefault(featuresCol),
                getOrDefault(labelCol), getOrDefault(imageMode));
        DistributedTrainer.Builder trainer = DistributedTrainer.builder().model(model).loss(F::crossEntropy)
                .optimizer(optimizerFactory()).sampleShape(getOrDefault(sampleShape))
                .epochs((Integer) getOrDefault(epochs)).batchSize((Integer) getOrDefault(batchSize))
                .stepsPerRound((Integer) getOrDefault(stepsPerRound)).seed((Long) getOrDefault(seed));
        int n = (Integer) getOrDefault(replicas);
        if (n > 0) {
            trainer.replicas(n);
        }
        int swaStart = (Integer) getOrDefault(swaStartEpoch);
        if (swaStart >= 0) {
            trainer.swa(swaStart, (Double) getOrDefault(swaLr), 1);
        }
        double fraction = (Double) getOrDefault(validationFraction);
        if (fraction > 0) {
            trainer.validationSplit(fraction).earlyStopping("val_loss", (Integer) getOrDefault(earlyStoppingPatience),
                    (Double) getOrDefault(earlyStoppingMinDelta));
        } else if ((Integer) getOrDefault(earlyStoppingPatience) > 0) {
            throw new IllegalArgumentException("IgnisClassifier: earlyStoppingPatience needs validationFraction > 0");
        }
        TrainingResult result = trainer.build().fit(samples);
        Module trained = result.swaModel() != null ? result.swaModel()
                : result.bestModel() != null ? result.bestModel() : result.model();
        IgnisClassificationModel fitted = new IgnisClassificationModel(uid, model, trained);
        fitted.trainingMetrics(result.epochMetrics());
        return copyValues(fitted, ParamMap.empty()).setParent(this);
    }

    /** The optimizer the params name, with PyTorch's defaults for what they leave unset. */
    private OptimizerFactory optimizerFactory() {
        double lr = (Double) getOrDefault(learningRate);
        double m = (Double) getOrDefault(momentum);
        String name = getOrDefault(optimizer);
        boolean decaySet = isDefined(weightDecay);
        double wd = decaySet ? (Double) getOrDefault(weightDecay) : 0;
        return switch (name) {
            case "sgd" -> p -> new SGD(p, new SGD.Options().lr(lr).momentum(m).weightDecay(wd));
            case "adam" -> p -> new Adam(p, new Adam.Options().lr(lr).weightDecay(wd));
            case "adamw" -> decaySet ? p -> new AdamW(p, new AdamW.Options().lr(lr).weightDecay(wd))
                    : p -> new AdamW(p, new AdamW.Options().lr(lr));
            default -> throw new IllegalArgumentException("optimizer must be sgd, adam or adamw, got " + name);
        };
    }

    @Override
    public IgnisClassifier copy(ParamMap extra) {
        IgnisClassifier copy = copyValues(new IgnisClassifier(uid), extra);
        copy.model = model;
        return copy;
    }
}
