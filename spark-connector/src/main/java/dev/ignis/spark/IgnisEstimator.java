package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.lr.LRScheduler;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What an Ignis network is as a Spark ML {@link Estimator}, whatever it predicts (usable in a
 * {@code Pipeline} after {@code VectorAssembler}, {@code StandardScaler}, {@code StringIndexer}):
 * {@link #fit} trains it with {@link DistributedTrainer} (the subclass's loss; parameters averaged
 * across {@code replicas} every {@code stepsPerRound} steps; the optimizer and an LR scheduler
 * stepped every epoch; SWA when {@code swaStartEpoch} ≥ 0; with {@code validationFraction} > 0 a
 * held-out share is evaluated every epoch, the best epoch's model is kept and
 * {@code earlyStoppingPatience} can stop early) and returns the subclass's model with the same
 * column params. The architecture comes from {@link #setModel} (a serializable factory, as for
 * the trainer); everything else is a typed Spark ML {@code Param}, so {@code explainParams},
 * {@code ParamGridBuilder} and {@code copy} work as for Spark's own estimators.
 *
 * @param <M> the fitted model
 * @param <E> the concrete estimator (setters return it)
 */
public abstract class IgnisEstimator<M extends IgnisModel<M>, E extends IgnisEstimator<M, E>> extends Estimator<M> {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private SerializableSupplier<Module> model;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
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
    private final Param<String> scheduler;
    private final IntParam schedulerStepSize;
    private final DoubleParam schedulerGamma;
    private final Param<String> device;

    /** @param labelDoc what the label column holds, for the labelCol param's doc */
    IgnisEstimator(String uid, String labelDoc) {
        this.uid = uid;
        featuresCol = ColumnParams.featuresCol(this);
        labelCol = new Param<>(this, "labelCol", labelDoc);
        predictionCol = ColumnParams.predictionCol(this);
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
                ParamValidators.inArray(TrainingChoices.OPTIMIZERS.toArray(new String[0])));
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
        scheduler = new Param<>(this, "scheduler", "the LR scheduler, stepped after every epoch: none, step (StepLR:"
                + " lr times schedulerGamma every schedulerStepSize epochs), exponential (ExponentialLR, schedulerGamma),"
                + " cosine (CosineAnnealingLR over the epochs) or onecycle (OneCycleLR over the epochs, max_lr ="
                + " learningRate)", ParamValidators.inArray(TrainingChoices.SCHEDULERS.toArray(new String[0])));
        schedulerStepSize = new IntParam(this, "schedulerStepSize", "StepLR's step_size, in epochs",
                ParamValidators.gtEq(1));
        schedulerGamma = new DoubleParam(this, "schedulerGamma", "StepLR's and ExponentialLR's gamma",
                ParamValidators.gt(0));
        device = ColumnParams.device(this);
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
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
        setDefault(scheduler, "none");
        setDefault(schedulerStepSize, 1);
        setDefault(schedulerGamma, 0.1);
        setDefault(device, "auto");
    }

    /** This estimator as its concrete type. */
    @SuppressWarnings("unchecked")
    private E self() {
        return (E) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The network to train, built on the driver and on every executor (required). */
    public E setModel(SerializableSupplier<Module> factory) {
        model = factory;
        return self();
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

    public Param<String> scheduler() {
        return scheduler;
    }

    public IntParam schedulerStepSize() {
        return schedulerStepSize;
    }

    public DoubleParam schedulerGamma() {
        return schedulerGamma;
    }

    public Param<String> device() {
        return device;
    }

    // ------------------------------------------------------------- setters

    public E setFeaturesCol(String v) {
        set(featuresCol, v);
        return self();
    }

    public E setLabelCol(String v) {
        set(labelCol, v);
        return self();
    }

    public E setPredictionCol(String v) {
        set(predictionCol, v);
        return self();
    }

    public E setImageMode(String v) {
        set(imageMode, v);
        return self();
    }

    public E setSampleShape(int... v) {
        set(sampleShape, v.clone());
        return self();
    }

    public E setEpochs(int v) {
        set(epochs, v);
        return self();
    }

    public E setBatchSize(int v) {
        set(batchSize, v);
        return self();
    }

    public E setStepsPerRound(int v) {
        set(stepsPerRound, v);
        return self();
    }

    public E setReplicas(int v) {
        set(replicas, v);
        return self();
    }

    public E setSeed(long v) {
        set(seed, v);
        return self();
    }

    public E setOptimizer(String v) {
        set(optimizer, v);
        return self();
    }

    public E setLearningRate(double v) {
        set(learningRate, v);
        return self();
    }

    public E setMomentum(double v) {
        set(momentum, v);
        return self();
    }

    public E setWeightDecay(double v) {
        set(weightDecay, v);
        return self();
    }

    public E setSwaStartEpoch(int v) {
        set(swaStartEpoch, v);
        return self();
    }

    public E setSwaLr(double v) {
        set(swaLr, v);
        return self();
    }

    public E setValidationFraction(double v) {
        set(validationFraction, v);
        return self();
    }

    public E setEarlyStoppingPatience(int v) {
        set(earlyStoppingPatience, v);
        return self();
    }

    public E setEarlyStoppingMinDelta(double v) {
        set(earlyStoppingMinDelta, v);
        return self();
    }

    public E setScheduler(String v) {
        set(scheduler, v);
        return self();
    }

    public E setSchedulerStepSize(int v) {
        set(schedulerStepSize, v);
        return self();
    }

    public E setSchedulerGamma(double v) {
        set(schedulerGamma, v);
        return self();
    }

    public E setDevice(String v) {
        set(device, v);
        return self();
    }

    // ------------------------------------------------------------- what a subclass supplies

    /** The training samples from the DataFrame's features and label columns, checked on the driver first. */
    abstract JavaRDD<Sample> samples(Dataset<Row> df, String featuresCol, String labelCol, String imageMode);

    /** The training loss, (output, target) to a scalar. */
    abstract LossFunction lossFunction();

    /** Whether the labels are class indices (accuracy is then reported). */
    abstract boolean classification();

    /** The fitted model: {@code uid}, {@code factory}'s architecture, {@code trained}'s weights. */
    abstract M newModel(String uid, SerializableSupplier<Module> factory, Module trained);

    /** A new estimator of the same kind with {@code uid} (for {@link #copy}). */
    abstract E newEstimator(String uid);

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
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no model set (setModel(() ->"
                    + " buildNet()))");
        }
        SparkDatasets.checkLabel(schema, getOrDefault(labelCol));
        return copyValues(newModel(uid, model, null), ParamMap.empty()).transformSchema(schema);
    }

    @Override
    public M fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        JavaRDD<Sample> samples = samples(dataset.toDF(), getOrDefault(featuresCol), getOrDefault(labelCol),
                getOrDefault(imageMode));
        DistributedTrainer.Builder trainer = DistributedTrainer.builder().model(model).loss(lossFunction())
                .classification(classification()).optimizer(optimizerFactory())
                .sampleShape(getOrDefault(sampleShape)).epochs(intParam(epochs)).batchSize(intParam(batchSize))
                .stepsPerRound(intParam(stepsPerRound)).seed((Long) getOrDefault(seed)).device(getOrDefault(device));
        int n = intParam(replicas);
        if (n > 0) {
            trainer.replicas(n);
        }
        Function<Optimizer, LRScheduler> schedule = schedulerFactory();
        if (schedule != null) {
            trainer.scheduler(schedule, false);
        }
        int swaStart = intParam(swaStartEpoch);
        if (swaStart >= 0) {
            trainer.swa(swaStart, (Double) getOrDefault(swaLr), 1);
        }
        double fraction = (Double) getOrDefault(validationFraction);
        if (fraction > 0) {
            trainer.validationSplit(fraction).earlyStopping("val_loss", intParam(earlyStoppingPatience),
                    (Double) getOrDefault(earlyStoppingMinDelta));
        } else if (intParam(earlyStoppingPatience) > 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": earlyStoppingPatience needs"
                    + " validationFraction > 0");
        }
        TrainingResult result = trainer.build().fit(samples);
        Module trained = result.swaModel() != null ? result.swaModel()
                : result.bestModel() != null ? result.bestModel() : result.model();
        M fitted = newModel(uid, model, trained);
        fitted.trainingMetrics(result.epochMetrics());
        return copyValues(fitted, ParamMap.empty()).setParent(this);
    }

    private int intParam(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    /** The optimizer the params name, with PyTorch's defaults for what they leave unset. */
    private OptimizerFactory optimizerFactory() {
        return TrainingChoices.optimizer(getOrDefault(optimizer), (Double) getOrDefault(learningRate),
                (Double) getOrDefault(momentum), isDefined(weightDecay) ? (Double) getOrDefault(weightDecay) : null);
    }

    /** The scheduler the params name (stepped after every epoch), or null for none. */
    private Function<Optimizer, LRScheduler> schedulerFactory() {
        return TrainingChoices.scheduler(getOrDefault(scheduler), intParam(epochs), intParam(schedulerStepSize),
                (Double) getOrDefault(schedulerGamma), (Double) getOrDefault(learningRate));
    }

    @Override
    public E copy(ParamMap extra) {
        E copy = copyValues(newEstimator(uid), extra);
        ((IgnisEstimator<M, E>) copy).model = model;
        return copy;
    }
}
