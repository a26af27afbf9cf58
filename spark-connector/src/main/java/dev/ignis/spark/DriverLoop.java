package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.lr.LRScheduler;
import dev.ignis.swa.AveragedModel;
import dev.ignis.swa.SWALR;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of a run between rounds: the averaged weights, counters and optimizer state;
 * a shadow optimizer over a driver-side model whose param groups the LR scheduler (and from
 * {@code swaStartEpoch} on, {@link SWALR}) steps; the SWA {@link AveragedModel}; the per-round
 * metrics, the epochs (validation, best model, early stopping), progress lines, metrics files and
 * checkpoints. {@link #roundState} says what a round starts from; {@link #complete} takes in its
 * aggregated result. Resuming restores all of it from the newest good checkpoint.
 */
final class DriverLoop {
    private static final Logger LOG = LoggerFactory.getLogger(DriverLoop.class);

    private final DistributedTrainer.Builder b;
    private final JavaSparkContext jsc;
    private final Configuration hadoop;
    private final RoundPlan plan;
    private final Validation validation;
    private final Module driverModel;
    private final Optimizer shadow;
    private final LRScheduler scheduler;
    private final Checkpoints checkpoints;
    private final RunSettings settings;
    private final EpochTracker epochs;
    private final List<RoundMetrics> metrics = new ArrayList<>();
    private final Set<String> metricsFailures = ConcurrentHashMap.newKeySet();
    private final TensorBoardLog tensorBoard;
    private SWALR swaScheduler;
    private AveragedModel<Module> swa;
    private float[] weights;
    private long[] counters;
    private OptimizerVector optimizer = OptimizerVector.EMPTY;
    private int startRound;
    private long started;
    private long trainedSamples;

    /** A new run's driver state (the model factory's initial weights); see {@link #resume}. */
    DriverLoop(DistributedTrainer.Builder b, JavaSparkContext jsc, RoundPlan plan, Validation validation) {
        this.b = b;
        this.jsc = jsc;
        this.hadoop = jsc.hadoopConfiguration();
        this.plan = plan;
        this.validation = validation;
        driverModel = b.modelFactory.get();
        shadow = b.optimizerFactory.create(driverModel.parameters());
        scheduler = b.schedulerFactory == null ? null : b.schedulerFactory.apply(shadow);
        weights = ModelVector.weights(driverModel);
        counters = ModelVector.counters(driverModel);
        checkpoints = b.checkpointDir == null ? null
                : new Checkpoints(b.checkpointDir, hadoop, b.keepCheckpoints, b.modelFactory);
        tensorBoard = b.tensorBoardDir == null ? null : new TensorBoardLog(b.tensorBoardDir, hadoop);
        settings = new RunSettings(b.seed, plan.stepsPerRound(), b.batchSize, b.epochs, plan.sizes(),
                RunSettings.architecture(driverModel));
        epochs = new EpochTracker(b.earlyStopping != null ? b.earlyStopping
                : validation != null ? new EarlyStopping("val_loss", 0, 0) : null);
    }

    /**
     * With {@code resume} set and a good checkpoint in the checkpoint directory, continues from it
     * (refusing one whose run settings differ); returns the first round to run.
     */
    int resume() {
        started = System.nanoTime();
        if (checkpoints == null || !b.resume) {
            return 0;
        }
        Checkpoints.Found found = checkpoints.latest();
        Checkpoint c = found == null ? null : found.checkpoint();
        if (c == null) {
            return 0;
        }
        settings.checkResume(c.settings(), found.file().toString());
        startRound = c.nextRound();
        weights = c.weights();
        counters = c.counters();
        optimizer = c.optimizer();
        if (c.hyperparameters() == null) {
            throw new IllegalArgumentException("checkpoint " + found.file() + " records no param-group"
                    + " hyperparameters (written by an older Ignis); start from a new checkpoint directory");
        }
        c.hyperparameters().applyTo(shadow);
        if (scheduler != null && c.schedulerState() != null) {
            scheduler.loadStateDict(c.schedulerState());
        }
        if (c.swaWeights() != null) {
            swa = restoreSwa(b.modelFactory, c);
            swaScheduler = newSwaScheduler();
            swaScheduler.loadStateDict(c.swaSchedulerState());
            c.hyperparameters().applyTo(shadow);
        }
        metrics.addAll(c.metrics());
        epochs.restore(c.epochMetrics(), c.bestWeights(), c.bestCounters());
        if (!Double.isNaN(b.resumeLr)) {
            LOG.info("resumed run: lr {} in every param group instead of the checkpoint's {}", b.resumeLr,
                    c.hyperparameters());
            shadow.paramGroups().forEach(g -> g.set("lr", b.resumeLr));
        }
        LOG.info("resuming from checkpoint {} at round {} of {}", found.file(), startRound, plan.totalRounds());
        return startRound;
    }

    /** Whether early stopping has ended the run. */
    boolean stopped() {
        return epochs.shouldStop();
    }

    /** The state round {@code round} starts from: the averaged weights and every param group's hyperparameters now. */
    RoundState roundState(int round) {
        int epoch = round / plan.roundsPerEpoch();
        if (averaging(epoch) && swaScheduler == null) {
            swaScheduler = newSwaScheduler();
        }
        int k = plan.stepsPerRound();
        return new RoundState(weights, counters, optimizer, Hyperparameters.of(shadow), epoch,
                (round % plan.roundsPerEpoch()) * k, k);
    }

    /**
     * Takes in a round's aggregated result: its averaged weights and optimizer state and the
     * counters' increase become the state the next round starts from. Part of the round's timed
     * work, as the averaging is what a round adds to training.
     */
    void takeIn(RoundResult result) {
        weights = result.averageWeights();
        for (int i = 0; i < counters.length; i++) {
            counters[i] += result.counterDelta()[i];
        }
        optimizer = b.carryOptimizerState ? result.averageOptimizer() : OptimizerVector.EMPTY;
        trainedSamples += result.samples();
    }

    /**
     * Completes round {@code round} (run from {@code state}, {@code seconds} on the wall clock
     * from its broadcast to its result taken in by {@link #takeIn}): the round's metrics, the SWA
     * average, the schedulers' step, progress, the epoch's end, and the metrics files and
     * checkpoint when due.
     */
    void complete(int round, RoundState state, RoundResult result, double seconds) {
        int epoch = state.epoch();
        // out (RoundBroadcast): weights as float32, optimizer values as float32 where every slot is,
        // else as doubles; back (WeightedPieces): both in the same width
        long valueBytes = optimizer.isFloat32() ? 4 : 8;
        long bytes = (long) plan.replicas() * (4L * weights.length + valueBytes * optimizer.values().length
                + valueBytes * ((long) weights.length + optimizer.values().length));
        double lr = state.hyperparameters().lr();
        double accuracy = b.classification ? (double) result.correct() / result.samples() : Double.NaN;
        RoundMetrics m = new RoundMetrics(round, epoch, lr, result.lossSum() / result.samples(), accuracy,
                result.samples(), seconds,
                Math.max(0, 1 - result.trainSeconds() / seconds), bytes);
        metrics.add(m);
        if (tensorBoard != null) {
            tensorBoard.round(m);
        }
        boolean averaging = averaging(epoch);
        if (averaging) {
            ModelVector.load(driverModel, weights, counters);
            if (swa == null) {
                swa = new AveragedModel<>(driverModel, b.modelFactory);
            }
            swa.updateParameters(driverModel);
        }
        boolean epochEnd = round % plan.roundsPerEpoch() == plan.roundsPerEpoch() - 1;
        if (averaging && epochEnd) {
            swaScheduler.step();
        } else if (!averaging && scheduler != null && (b.schedulerPerRound || epochEnd)) {
            scheduler.step();
        }
        if (b.progress) {
            double elapsed = (System.nanoTime() - started) / 1e9;
            System.out.printf("round %d/%d epoch %d/%d loss %.4f%s lr %.4g %.0f samples/s overhead %.1f%% ETA %.0f s%n",
                    round + 1, plan.totalRounds(), epoch + 1, b.epochs, m.loss(), accuracyText(m.accuracy()), lr,
                    trainedSamples / elapsed, 100 * m.overhead(),
                    elapsed / (round + 1 - startRound) * (plan.totalRounds() - round - 1));
        }
        if (epochEnd) {
            endEpoch(epoch, round);
        }
        if (b.outputDir != null) {
            writeMetrics();
        }
        boolean last = round == plan.totalRounds() - 1 || epochs.shouldStop();
        if (checkpoints != null && (last || (b.checkpointEvery > 0 && (round + 1) % b.checkpointEvery == 0))) {
            writeCheckpoint(round + 1);
        }
    }

    /**
     * The run's result: the last average, the SWA model with its BatchNorm statistics recomputed
     * over {@code data}, the best epoch's model, and the metrics.
     */
    TrainingResult result(ReplicaData data, ReplicaConfig cfg) {
        ModelVector.load(driverModel, weights, counters);
        Module swaModel = null;
        if (swa != null) {
            swaModel = swa.module();
            jsc.setJobDescription("ignis: the SWA model's BatchNorm statistics over every replica's data");
            data.recomputeBatchNorm(cfg, swaModel);
        }
        Module bestModel = null;
        if (epochs.bestWeights() != null) {
            bestModel = b.modelFactory.get();
            ModelVector.load(bestModel, epochs.bestWeights(), epochs.bestCounters());
        }
        return new TrainingResult(driverModel, swaModel, List.copyOf(metrics), plan.replicas(), epochs.epochs(),
                bestModel, epochs.bestEpoch());
    }

    /** " acc 0.1234", or nothing for regression. */
    private static String accuracyText(double accuracy) {
        return Double.isNaN(accuracy) ? "" : String.format(" acc %.4f", accuracy);
    }

    private boolean averaging(int epoch) {
        return b.swaStartEpoch >= 0 && epoch >= b.swaStartEpoch;
    }

    private SWALR newSwaScheduler() {
        return new SWALR(shadow, b.swaLr, new SWALR.Options().annealEpochs(b.swaAnnealEpochs));
    }

    /**
     * An epoch's end: its metrics (the averaged model evaluated on the validation data, if any)
     * recorded, the best weights kept, a progress line, and a note when training stops early.
     */
    private void endEpoch(int epoch, int round) {
        if (validation != null) {
            jsc.setJobDescription(String.format("ignis validation, epoch %d/%d", epoch + 1, b.epochs));
        }
        double[] v = validation == null ? new double[] {Double.NaN, Double.NaN}
                : validation.evaluate(jsc, weights, counters);
        EpochMetrics em = EpochMetrics.of(epoch, metrics, v[0], b.classification ? v[1] : Double.NaN);
        epochs.add(em, weights, counters);
        if (tensorBoard != null) {
            tensorBoard.epoch(em, round);
        }
        if (b.progress && validation != null) {
            System.out.printf("epoch %d/%d train loss %.4f%s  validation loss %.4f%s%s%n", epoch + 1, b.epochs,
                    em.trainLoss(), accuracyText(em.trainAccuracy()), em.validationLoss(),
                    accuracyText(em.validationAccuracy()), epochs.bestEpoch() == epoch ? "  (best so far)" : "");
        }
        if (epochs.shouldStop()) {
            LOG.info("early stopping after epoch {}: {} has not improved by more than {} for {} epoch(s); the best"
                    + " epoch was {}", epoch + 1, b.earlyStopping.monitor(), b.earlyStopping.minDelta(),
                    b.earlyStopping.patience(), epochs.bestEpoch() + 1);
        }
    }

    /**
     * Writes the metrics files; a failure is reported (once per message) and training goes on, as
     * losing a plot must not cost the run.
     */
    private void writeMetrics() {
        try {
            new MetricsLog(b.outputDir, hadoop).write("ignis: " + jsc.appName() + " (" + b.outputDir + ")", metrics,
                    epochs.epochs(), plan.roundsPerEpoch(), b.swaStartEpoch);
        } catch (RuntimeException e) {
            if (metricsFailures.add(String.valueOf(e.getMessage()))) {
                LOG.warn("metrics could not be written into {} ({}); training goes on", b.outputDir, e.getMessage());
            }
        }
    }

    /** Writes a checkpoint; a failure stops the run loudly, since going on would leave progress unsaved. */
    private void writeCheckpoint(int nextRound) {
        int roundsPerEpoch = plan.roundsPerEpoch();
        float[] swaWeights = swa == null ? null : ModelVector.weights(swa.module());
        long[] swaCounters = swa == null ? null : ModelVector.counters(swa.module());
        Checkpoint checkpoint = new Checkpoint(nextRound, nextRound / roundsPerEpoch, nextRound % roundsPerEpoch,
                weights.clone(), counters.clone(), optimizer, Hyperparameters.of(shadow),
                scheduler == null ? null : new LinkedHashMap<>(scheduler.stateDict()),
                swaScheduler == null ? null : new LinkedHashMap<>(swaScheduler.stateDict()), swaWeights, swaCounters,
                swa == null ? 0 : swa.nAveraged(), b.seed, List.copyOf(metrics), settings, epochs.epochs(),
                epochs.bestWeights(), epochs.bestCounters());
        try {
            checkpoints.write(checkpoint);
        } catch (RuntimeException e) {
            LOG.error("checkpoint for round {} could not be written into {}: {}", nextRound, b.checkpointDir,
                    e.getMessage());
            throw new IllegalStateException("training stopped: the checkpoint for round " + nextRound
                    + " could not be written into " + b.checkpointDir + ": " + e.getMessage(), e);
        }
    }

    private static AveragedModel<Module> restoreSwa(SerializableSupplier<Module> factory, Checkpoint c) {
        Module averaged = factory.get();
        ModelVector.load(averaged, c.swaWeights(), c.swaCounters());
        AveragedModel<Module> swa = new AveragedModel<>(averaged, factory);
        Map<String, Tensor> state = new LinkedHashMap<>();
        averaged.stateDict().forEach((name, t) -> state.put("module." + name, t));
        state.put("n_averaged", Tensor.scalar(c.swaCount(), DType.INT64));
        swa.loadStateDict(state, true);
        return swa;
    }

    /** Closes the TensorBoard event file, if there is one. */
    void close() {
        if (tensorBoard != null) {
            tensorBoard.close();
        }
    }
}
