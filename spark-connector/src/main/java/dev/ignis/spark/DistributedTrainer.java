package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.lr.LRScheduler;
import dev.ignis.swa.AveragedModel;
import dev.ignis.swa.SWALR;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training on Spark with driver-side parameter averaging. The data is dealt to
 * {@link Builder#replicas} replicas (whatever its own partitioning) and each replica's share is
 * decoded once into arrays and cached; every round is one Spark job: the driver broadcasts the
 * flat weights, optimizer state and every param group's hyperparameters (as its schedulers left
 * them), each task rebuilds a replica, trains {@code stepsPerRound}
 * steps on its partition (each epoch in an order seeded by (seed, epoch, partition)), and returns
 * its weights and optimizer state weighted by the samples it trained on; {@code treeAggregate}
 * forms the sample-weighted average. num_batches_tracked grows by the sum of the replicas' steps.
 * With one replica this is exactly the local training loop.
 *
 * <p>From {@code swaStartEpoch} on, every round's average also feeds an {@link AveragedModel}
 * while {@link SWALR} drives the lr; at the end one more job recomputes the SWA model's BatchNorm
 * statistics over all partitions. Checkpoints (every {@code checkpointEvery} rounds and at the
 * end) go to any Hadoop path and a run with {@code resume} continues from the newest good one.
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    private final Builder b;

    private DistributedTrainer(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options; model, loss, optimizer and sample shape are required. */
    public static final class Builder {
        private SerializableSupplier<Module> modelFactory;
        private LossFunction loss;
        private OptimizerFactory optimizerFactory;
        private Function<Optimizer, LRScheduler> schedulerFactory;
        private boolean schedulerPerRound;
        private int batchSize = 64;
        private int epochs = 1;
        private int stepsPerRound;
        private long seed;
        private int[] sampleShape;
        private String checkpointDir;
        private int checkpointEvery;
        private boolean resume;
        private String outputDir;
        private int swaStartEpoch = -1;
        private double swaLr = Double.NaN;
        private int swaAnnealEpochs = 1;
        private TaskHook taskHook = (round, partition, attempt) -> { };
        private StorageLevel storageLevel = StorageLevel.MEMORY_ONLY();
        private boolean progress = true;
        private boolean truncateLineage = true;
        private int streamShuffleBuffer = -1;
        private boolean carryOptimizerState = true;
        private long maxPieceBytes = 1L << 30;
        private boolean fuseLayers = true;
        private double resumeLr = Double.NaN;
        private int replicas;
        private boolean reshuffleEachEpoch;
        private JavaRDD<Sample> validationData;
        private double validationSplit;
        private EarlyStopping earlyStopping;

        public Builder model(SerializableSupplier<Module> factory) {
            modelFactory = factory;
            return this;
        }

        public Builder loss(LossFunction fn) {
            loss = fn;
            return this;
        }

        public Builder optimizer(OptimizerFactory factory) {
            optimizerFactory = factory;
            return this;
        }

        /**
         * An LR scheduler on the driver, stepped after every epoch (or every round); the
         * hyperparameters it sets on each param group (lr, and momentum or betas for OneCycleLR and
         * CyclicLR) travel with the round.
         */
        public Builder scheduler(Function<Optimizer, LRScheduler> factory, boolean perRound) {
            schedulerFactory = factory;
            schedulerPerRound = perRound;
            return this;
        }

        /**
         * How many replicas train side by side (default: the cluster's task slots,
         * {@code spark.default.parallelism} or the executors' cores over {@code spark.task.cpus}).
         * The data is dealt into that many partitions whatever its own partitioning: one replica
         * keeps the source order; more get the samples round-robin by position with a seeded
         * rotation per block, so classes stored in runs are mixed. A replica whose share is under a
         * few batches is warned about.
         */
        public Builder replicas(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("replicas must be at least 1, got " + n);
            }
            replicas = n;
            return this;
        }

        /** Deal the samples to the replicas anew every epoch (another seeded grouping), not once. */
        public Builder reshuffleEachEpoch(boolean v) {
            reshuffleEachEpoch = v;
            return this;
        }

        /**
         * Data to evaluate the averaged model on at the end of every epoch (mean loss and
         * accuracy, in {@link TrainingResult#epochMetrics()}); the best epoch's model by
         * {@code val_loss} (or the early-stopping monitor) is kept as
         * {@link TrainingResult#bestModel()}.
         */
        public Builder validation(JavaRDD<Sample> data) {
            validationData = data;
            return this;
        }

        /** Holds out {@code fraction} of the training data (a seeded random split) as {@link #validation} data. */
        public Builder validationSplit(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("validationSplit must be between 0 and 1, got " + fraction);
            }
            validationSplit = fraction;
            return this;
        }

        /**
         * Stops after {@code patience} epochs in a row without {@code monitor} improving by more
         * than {@code minDelta} ("val_loss", "val_accuracy" — these need validation data — or
         * "loss", "accuracy" of training); the best epoch's model is kept.
         */
        public Builder earlyStopping(String monitor, int patience, double minDelta) {
            earlyStopping = new EarlyStopping(monitor, patience, minDelta);
            return this;
        }

        /** Samples per step on each replica. */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /** Local steps between averagings; 0 (the default) averages once per epoch. */
        public Builder stepsPerRound(int v) {
            stepsPerRound = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** The shape of one sample, e.g. {1, 28, 28}; the features of every sample must have its size. */
        public Builder sampleShape(int... v) {
            sampleShape = v.clone();
            return this;
        }

        /** Checkpoint into {@code dir} (any Hadoop path) every {@code everyRounds} rounds (0: only at the end). */
        public Builder checkpoint(String dir, int everyRounds) {
            checkpointDir = dir;
            checkpointEvery = everyRounds;
            return this;
        }

        /** Continue from the newest good checkpoint in the checkpoint directory, if there is one. */
        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        /** Where metrics.csv, metrics.json and curves.png go (any Hadoop path). */
        public Builder outputDir(String dir) {
            outputDir = dir;
            return this;
        }

        /** SWA from {@code startEpoch} (0-based) on, with SWALR annealing to {@code swaLr} over {@code annealEpochs}. */
        public Builder swa(int startEpoch, double swaLr, int annealEpochs) {
            this.swaStartEpoch = startEpoch;
            this.swaLr = swaLr;
            this.swaAnnealEpochs = annealEpochs;
            return this;
        }

        public Builder taskHook(TaskHook hook) {
            taskHook = hook;
            return this;
        }

        public Builder storageLevel(StorageLevel level) {
            storageLevel = level;
            return this;
        }

        /**
         * Whether the cached partitions replace the source's lineage (Spark's localCheckpoint; the
         * default). Every task carries its partition object, and for data made with
         * {@code parallelize} that object holds the data itself, so without this each round would
         * ship the whole data set again. The cost: losing an executor (not a task) fails the run,
         * which then resumes from its last checkpoint.
         */
        public Builder truncateLineage(boolean v) {
            truncateLineage = v;
            return this;
        }

        /**
         * Iterable-style partitions, for data larger than memory: nothing is cached; every round
         * streams each partition again through a shuffle buffer of {@code shuffleBuffer} samples
         * (0: source order) seeded by (seed, epoch, partition) and keeps only the round's samples.
         */
        public Builder streaming(int shuffleBuffer) {
            streamShuffleBuffer = Math.max(0, shuffleBuffer);
            return this;
        }

        /**
         * Whether the optimizer state (momentum buffers, Adam's moments) is averaged and carried
         * into the next round (the default), or every round's replicas start from fresh state.
         */
        public Builder carryOptimizerState(boolean v) {
            carryOptimizerState = v;
            return this;
        }

        /**
         * The most bytes one piece of the weight vector may take on its way to and from the
         * executors (default 1 GiB; results travel as doubles, so a piece holds at most
         * {@code bytes / 8} values). Spark cannot ship a single value of 2 GB or more, so larger
         * models always travel in pieces: one broadcast per piece, and one aggregation job per
         * piece over the round's cached task results. Pieces are also kept small enough that one
         * aggregation stays under {@code spark.driver.maxResultSize}.
         */
        public Builder maxPieceBytes(long bytes) {
            if (bytes < 8) {
                throw new IllegalArgumentException("maxPieceBytes must be at least 8 (one double), got " + bytes);
            }
            maxPieceBytes = bytes;
            return this;
        }

        /**
         * The learning rate a resumed run continues with, instead of the checkpoint's (after a
         * divergence, say; as PyTorch users edit param groups after {@code load_state_dict}). Other
         * hyperparameters come from the optimizer factory, which a resumed run gives anew. A
         * scheduler goes on from this value.
         */
        public Builder resumeWithLr(double lr) {
            if (!(lr > 0)) {
                throw new IllegalArgumentException("resumeWithLr: the learning rate must be positive, got " + lr);
            }
            resumeLr = lr;
            return this;
        }

        /**
         * Whether each replica's model goes through {@link dev.ignis.nn.Fusion#fuse} before it
         * trains (the default): the same results and state-dict keys, fewer passes over memory.
         */
        public Builder fuseLayers(boolean v) {
            fuseLayers = v;
            return this;
        }

        public Builder progress(boolean v) {
            progress = v;
            return this;
        }

        public DistributedTrainer build() {
            if (modelFactory == null || loss == null || optimizerFactory == null || sampleShape == null) {
                throw new IllegalArgumentException("DistributedTrainer needs model, loss, optimizer and sampleShape");
            }
            boolean validating = validationData != null || validationSplit > 0;
            if (earlyStopping != null && earlyStopping.monitor().startsWith("val_") && !validating) {
                throw new IllegalArgumentException("early stopping on " + earlyStopping.monitor() + " needs validation"
                        + " data: validation(rdd) or validationSplit(fraction)");
            }
            if (validationData != null && validationSplit > 0) {
                throw new IllegalArgumentException("give validation data or a validation split, not both");
            }
            if (batchSize < 1 || epochs < 1 || stepsPerRound < 0) {
                throw new IllegalArgumentException("batchSize and epochs must be >= 1 and stepsPerRound >= 0, got "
                        + batchSize + ", " + epochs + ", " + stepsPerRound);
            }
            return new DistributedTrainer(this);
        }
    }

    /**
     * Trains on {@code data} (dealt to {@link Builder#replicas} replicas) and returns the models and
     * metrics. The checkpoint and output directories are claimed first (written to, and locked
     * against a second run), so a directory that cannot be used fails before any training.
     */
    public TrainingResult fit(JavaRDD<Sample> data) {
        Configuration conf = data.context().hadoopConfiguration();
        try (RunDirectory ckpt = b.checkpointDir == null ? null
                : RunDirectory.claim(b.checkpointDir, "checkpoint directory", conf);
             RunDirectory out = b.outputDir == null || b.outputDir.equals(b.checkpointDir) ? null
                     : RunDirectory.claim(b.outputDir, "output directory", conf)) {
            if (b.validationSplit > 0) {
                JavaRDD<Sample>[] split = data.randomSplit(new double[] {1 - b.validationSplit, b.validationSplit},
                        b.seed);
                return train(split[0], split[1]);
            }
            return train(data, b.validationData);
        }
    }

    private TrainingResult train(JavaRDD<Sample> data, JavaRDD<Sample> validationData) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
        Configuration hadoop = jsc.hadoopConfiguration();
        int replicas = b.replicas > 0 ? b.replicas : Replicas.defaultCount(jsc);
        int piece = RoundAggregation.pieceElements(jsc, replicas, b.maxPieceBytes);
        ReplicaConfig cfg = new ReplicaConfig(b.modelFactory, b.optimizerFactory, b.loss, b.batchSize, b.seed,
                b.sampleShape, b.taskHook, piece, b.fuseLayers);
        boolean streaming = b.streamShuffleBuffer >= 0;
        int shuffleBuffer = b.streamShuffleBuffer;
        // dealing reads the source twice (a count, then the shuffle), and again every epoch with
        // reshuffleEachEpoch: decode it once, spilling to disk what does not fit
        boolean persisted = replicas > 1 && data.getStorageLevel().equals(StorageLevel.NONE());
        if (persisted) {
            data.persist(StorageLevel.MEMORY_AND_DISK_SER());
        }
        int dealtEpoch = 0;
        JavaRDD<Sample> source = Replicas.deal(data, replicas, b.seed, dealtEpoch);
        JavaRDD<PartitionData> parts = streaming ? null : cache(source);
        List<Integer> sizes = streaming
                ? Replicas.partitionSizes(source).stream().map(Math::toIntExact).toList()
                : parts.map(PartitionData::size).collect();
        Replicas.fewBatches(sizes, b.batchSize).ifPresent(LOG::warn);
        Validation validation = validationData == null ? null : new Validation(cache(validationData), cfg);
        EpochTracker epochs = new EpochTracker(b.earlyStopping != null ? b.earlyStopping
                : validation != null ? new EarlyStopping("val_loss", 0, 0) : null);
        RoundPlan plan = RoundPlan.of(sizes, b.batchSize, b.stepsPerRound, b.epochs);
        int k = plan.stepsPerRound();
        int roundsPerEpoch = plan.roundsPerEpoch();
        int totalRounds = plan.totalRounds();
        LOG.info("training {} replica(s) (samples {}) dealt from {} source partition(s), {} step(s) per round, {}"
                + " round(s) per epoch", replicas, sizes, data.getNumPartitions(), k, roundsPerEpoch);

        Module driverModel = b.modelFactory.get();
        Optimizer shadow = b.optimizerFactory.create(driverModel.parameters());
        LRScheduler scheduler = b.schedulerFactory == null ? null : b.schedulerFactory.apply(shadow);
        SWALR swaScheduler = null;
        AveragedModel<Module> swa = null;
        float[] weights = ModelVector.weights(driverModel);
        long[] counters = ModelVector.counters(driverModel);
        OptimizerVector optimizer = OptimizerVector.EMPTY;
        List<RoundMetrics> metrics = new ArrayList<>();
        int startRound = 0;
        Checkpoints checkpoints = b.checkpointDir == null ? null : new Checkpoints(b.checkpointDir, hadoop);
        RunSettings settings = new RunSettings(b.seed, k, b.batchSize, b.epochs, sizes,
                RunSettings.architecture(driverModel));
        if (checkpoints != null && b.resume) {
            Checkpoints.Found found = checkpoints.latest();
            Checkpoint c = found == null ? null : found.checkpoint();
            if (c != null) {
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
                    swaScheduler = new SWALR(shadow, new double[] {b.swaLr}, b.swaAnnealEpochs, SWALR.Anneal.COS, -1);
                    swaScheduler.loadStateDict(c.swaSchedulerState());
                    c.hyperparameters().applyTo(shadow);
                }
                metrics.addAll(c.metrics());
                epochs.restore(c.epochMetrics(), c.bestWeights(), c.bestCounters());
                if (!Double.isNaN(b.resumeLr)) {
                    LOG.info("resumed run: lr {} in every param group instead of the checkpoint's {}", b.resumeLr,
                            c.hyperparameters());
                    setLr(shadow, b.resumeLr);
                }
                LOG.info("resuming from checkpoint {} at round {} of {}", found.file(), startRound, totalRounds);
            }
        }
        // shown in the Spark UI next to the stages
        LongAccumulator samplesAccumulator = jsc.sc().longAccumulator("ignis samples trained");
        long started = System.nanoTime();
        long trainedSamples = 0;
        for (int round = startRound; round < totalRounds && !epochs.shouldStop(); round++) {
            int epoch = round / roundsPerEpoch;
            int roundInEpoch = round % roundsPerEpoch;
            if (b.reshuffleEachEpoch && replicas > 1 && epoch != dealtEpoch) {
                dealtEpoch = epoch;
                source = Replicas.deal(data, replicas, b.seed, epoch);
                if (parts != null) {
                    parts.unpersist(false);
                    parts = cache(source);
                }
            }
            boolean averaging = b.swaStartEpoch >= 0 && epoch >= b.swaStartEpoch;
            if (averaging && swaScheduler == null) {
                swaScheduler = new SWALR(shadow, new double[] {b.swaLr}, b.swaAnnealEpochs, SWALR.Anneal.COS, -1);
            }
            Hyperparameters hyperparameters = Hyperparameters.of(shadow);
            double lr = hyperparameters.lr();
            RoundState state = new RoundState(weights, counters, optimizer, hyperparameters, epoch, roundInEpoch * k,
                    k);
            long roundStart = System.nanoTime();
            RoundBroadcast broadcast = new RoundBroadcast(jsc, state, piece);
            int r = round;
            JavaRDD<PartitionData> cached = parts;
            JavaRDD<RoundResult> tasks = streaming
                    ? source.mapPartitionsWithIndex((index, it) -> {
                        cfg.hook().beforeTask(r, index, TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber());
                        RoundState s = broadcast.value();
                        PartitionData slice = StreamedPartition.slice(it, cfg.seed(), s.epoch(), index, shuffleBuffer,
                                cfg.batchSize(), s.firstStep(), s.steps());
                        RoundResult part = Replica.trainSlice(cfg, s, slice, index, r);
                        samplesAccumulator.add(part.samples());
                        return Collections.singletonList(part).iterator();
                    }, true)
                    : cached.mapPartitionsWithIndex((index, it) -> {
                        cfg.hook().beforeTask(r, index, TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber());
                        RoundResult part = Replica.train(cfg, broadcast.value(), it.next(), index, r);
                        samplesAccumulator.add(part.samples());
                        return Collections.singletonList(part).iterator();
                    }, true);
            RoundResult result = RoundAggregation.aggregate(tasks);
            broadcast.destroy();
            double seconds = (System.nanoTime() - roundStart) / 1e9;
            weights = result.averageWeights();
            for (int i = 0; i < counters.length; i++) {
                counters[i] += result.counterDelta()[i];
            }
            optimizer = b.carryOptimizerState ? result.averageOptimizer() : OptimizerVector.EMPTY;
            trainedSamples += result.samples();
            // out: weights as float, optimizer values as double; back: both as double sums
            long bytes = (long) sizes.size() * (12L * weights.length + 16L * optimizer.values().length);
            RoundMetrics m = new RoundMetrics(round, epoch, lr, result.lossSum() / result.samples(),
                    (double) result.correct() / result.samples(), result.samples(), seconds,
                    Math.max(0, 1 - result.trainSeconds() / seconds), bytes);
            metrics.add(m);
            if (averaging) {
                ModelVector.load(driverModel, weights, counters);
                if (swa == null) {
                    swa = new AveragedModel<>(driverModel, b.modelFactory);
                }
                swa.update(driverModel);
            }
            boolean epochEnd = roundInEpoch == roundsPerEpoch - 1;
            if (averaging && epochEnd) {
                swaScheduler.step();
            } else if (!averaging && scheduler != null && (b.schedulerPerRound || epochEnd)) {
                scheduler.step();
            }
            if (b.progress) {
                double elapsed = (System.nanoTime() - started) / 1e9;
                double rate = trainedSamples / elapsed;
                System.out.printf("round %d/%d epoch %d/%d loss %.4f acc %.4f lr %.4g %.0f samples/s overhead %.1f%% ETA %.0f s%n",
                        round + 1, totalRounds, epoch + 1, b.epochs, m.loss(), m.accuracy(), lr, rate,
                        100 * m.overhead(), elapsed / (round + 1 - startRound) * (totalRounds - round - 1));
            }
            if (epochEnd) {
                endEpoch(epoch, metrics, epochs, validation, jsc, weights, counters);
            }
            if (b.outputDir != null) {
                writeMetrics(metrics, hadoop);
            }
            boolean last = round == totalRounds - 1 || epochs.shouldStop();
            if (checkpoints != null && (last || (b.checkpointEvery > 0 && (round + 1) % b.checkpointEvery == 0))) {
                writeCheckpoint(checkpoints, checkpoint(round + 1, roundsPerEpoch, weights, counters, optimizer, shadow,
                        scheduler, swa, swaScheduler, metrics, settings, epochs));
            }
        }
        ModelVector.load(driverModel, weights, counters);
        Module swaModel = null;
        if (swa != null) {
            swaModel = swa.module();
            recomputeBatchNorm(streaming ? null : parts, source, cfg, swaModel);
        }
        if (parts != null) {
            parts.unpersist(false);
        }
        if (persisted) {
            data.unpersist(false);
        }
        Module bestModel = null;
        if (epochs.bestWeights() != null) {
            bestModel = b.modelFactory.get();
            ModelVector.load(bestModel, epochs.bestWeights(), epochs.bestCounters());
        }
        if (validation != null) {
            validation.unpersist();
        }
        return new TrainingResult(driverModel, swaModel, List.copyOf(metrics), replicas, epochs.epochs(), bestModel,
                epochs.bestEpoch());
    }

    /**
     * An epoch's end: its metrics (the averaged model evaluated on the validation data, if any)
     * recorded, the best weights kept, a progress line, and a note when training stops early.
     */
    private void endEpoch(int epoch, List<RoundMetrics> metrics, EpochTracker epochs, Validation validation,
                          JavaSparkContext jsc, float[] weights, long[] counters) {
        double[] v = validation == null ? new double[] {Double.NaN, Double.NaN}
                : validation.evaluate(jsc, weights, counters);
        EpochMetrics em = EpochMetrics.of(epoch, metrics, v[0], v[1]);
        epochs.add(em, weights, counters);
        if (b.progress && validation != null) {
            System.out.printf("epoch %d/%d train loss %.4f acc %.4f  validation loss %.4f acc %.4f%s%n", epoch + 1,
                    b.epochs, em.trainLoss(), em.trainAccuracy(), em.validationLoss(), em.validationAccuracy(),
                    epochs.bestEpoch() == epoch ? "  (best so far)" : "");
        }
        if (epochs.shouldStop()) {
            LOG.info("early stopping after epoch {}: {} has not improved by more than {} for {} epoch(s); the best"
                    + " epoch was {}", epoch + 1, b.earlyStopping.monitor(), b.earlyStopping.minDelta(),
                    b.earlyStopping.patience(), epochs.bestEpoch() + 1);
        }
    }

    /**
     * Each partition decoded once into arrays and cached (replacing the source's lineage unless
     * {@link Builder#truncateLineage} is off).
     */
    private JavaRDD<PartitionData> cache(JavaRDD<Sample> source) {
        JavaRDD<PartitionData> parts = source.mapPartitionsWithIndex((index, it) -> {
            List<Sample> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            return Collections.singletonList(PartitionData.of(all, index)).iterator();
        }, true).persist(b.storageLevel);
        return b.truncateLineage ? new JavaRDD<>(parts.rdd().localCheckpoint(), parts.classTag()) : parts;
    }

    /** The distributed updateBn: each partition's cumulative BN statistics, averaged weighted by its batches. */
    private static void recomputeBatchNorm(JavaRDD<PartitionData> parts, JavaRDD<Sample> stream, ReplicaConfig cfg,
                                           Module swaModel) {
        long[] c = ModelVector.counters(swaModel);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(stream.context());
        RoundBroadcast weights = new RoundBroadcast(jsc, new RoundState(ModelVector.weights(swaModel), c,
                OptimizerVector.EMPTY, null, 0, 0, 0), cfg.pieceSize());
        JavaRDD<RoundResult> passes = parts != null
                ? parts.map(d -> Replica.batchNormPass(cfg, weights.value().weights(), c, d))
                : stream.mapPartitionsWithIndex((index, it) -> Collections.singletonList(Replica.batchNormPass(cfg,
                        weights.value().weights(), c, StreamedPartition.batches(it, cfg.batchSize(), cfg.sampleShape(),
                                index))).iterator(), true);
        RoundResult r = RoundAggregation.aggregate(passes);
        weights.destroy();
        if (r.samples() == 0) {
            return;
        }
        Module stats = cfg.modelFactory().get();
        ModelVector.load(stats, r.averageWeights(), c);
        Map<String, Tensor> recomputed = new LinkedHashMap<>();
        stats.namedBuffers().forEach((name, t) -> {
            if (t != null && t.dtype() != DType.INT64) {
                recomputed.put(name, t);
            }
        });
        Map<String, Tensor> state = new LinkedHashMap<>(swaModel.stateDict());
        state.putAll(recomputed);
        swaModel.loadStateDict(state, true);
    }

    /**
     * Writes the metrics files; a failure is reported (once per message) and training goes on, as
     * losing a plot must not cost the run.
     */
    private void writeMetrics(List<RoundMetrics> metrics, Configuration hadoop) {
        try {
            new MetricsLog(b.outputDir, hadoop).write(metrics);
        } catch (RuntimeException e) {
            if (metricsFailures.add(String.valueOf(e.getMessage()))) {
                LOG.warn("metrics could not be written into {} ({}); training goes on", b.outputDir, e.getMessage());
            }
        }
    }

    /** Writes a checkpoint; a failure stops the run loudly, since going on would leave progress unsaved. */
    private void writeCheckpoint(Checkpoints checkpoints, Checkpoint checkpoint) {
        try {
            checkpoints.write(checkpoint);
        } catch (RuntimeException e) {
            LOG.error("checkpoint for round {} could not be written into {}: {}", checkpoint.nextRound(),
                    b.checkpointDir, e.getMessage());
            throw new IllegalStateException("training stopped: the checkpoint for round " + checkpoint.nextRound()
                    + " could not be written into " + b.checkpointDir + ": " + e.getMessage(), e);
        }
    }

    private Checkpoint checkpoint(int nextRound, int roundsPerEpoch, float[] weights, long[] counters,
                                  OptimizerVector optimizer, Optimizer shadow, LRScheduler scheduler,
                                  AveragedModel<Module> swa, SWALR swaScheduler, List<RoundMetrics> metrics,
                                  RunSettings settings, EpochTracker epochs) {
        float[] swaWeights = swa == null ? null : ModelVector.weights(swa.module());
        long[] swaCounters = swa == null ? null : ModelVector.counters(swa.module());
        return new Checkpoint(nextRound, nextRound / roundsPerEpoch, nextRound % roundsPerEpoch, weights.clone(),
                counters.clone(), optimizer, Hyperparameters.of(shadow),
                scheduler == null ? null : new LinkedHashMap<>(scheduler.stateDict()),
                swaScheduler == null ? null : new LinkedHashMap<>(swaScheduler.stateDict()), swaWeights, swaCounters,
                swa == null ? 0 : swa.nAveraged(), b.seed, List.copyOf(metrics), settings, epochs.epochs(),
                epochs.bestWeights(), epochs.bestCounters());
    }

    private final java.util.Set<String> metricsFailures = java.util.concurrent.ConcurrentHashMap.newKeySet();

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

    private static void setLr(Optimizer optimizer, double lr) {
        optimizer.paramGroups().forEach(g -> g.set("lr", lr));
    }
}
