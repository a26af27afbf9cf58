package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.lr.LRScheduler;
import dev.ignis.swa.AveragedModel;
import dev.ignis.swa.SWALR;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
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
    /** The local property behind {@code setJobDescription}: what the Spark UI shows for a job. */
    static final String JOB_DESCRIPTION = "spark.job.description";

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
        SerializableSupplier<Module> modelFactory;
        LossFunction loss;
        OptimizerFactory optimizerFactory;
        Function<Optimizer, LRScheduler> schedulerFactory;
        boolean schedulerPerRound;
        int batchSize = 64;
        int epochs = 1;
        int stepsPerRound;
        long seed;
        int[] sampleShape;
        String checkpointDir;
        int checkpointEvery;
        int keepCheckpoints = 3;
        boolean resume;
        String outputDir;
        String tensorBoardDir;
        int swaStartEpoch = -1;
        double swaLr = Double.NaN;
        int swaAnnealEpochs = 1;
        TaskHook taskHook = (round, partition, attempt) -> { };
        StorageLevel storageLevel = StorageLevel.MEMORY_ONLY();
        boolean progress = true;
        double progressEverySeconds = 30;
        boolean truncateLineage = true;
        int streamShuffleBuffer = -1;
        boolean carryOptimizerState = true;
        long maxPieceBytes = 1L << 30;
        boolean fuseLayers = true;
        double resumeLr = Double.NaN;
        int replicas;
        boolean reshuffleEachEpoch;
        JavaRDD<Sample> validationData;
        double validationSplit;
        EarlyStopping earlyStopping;
        boolean classification = true;
        String device = "auto";

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

        /**
         * Whether the samples carry class labels (the default: accuracy, the arg max against the
         * label, is reported beside the loss) or regression targets ({@link Sample#regression};
         * accuracy is then NaN in the metrics and left out of progress lines).
         */
        public Builder classification(boolean v) {
            classification = v;
            return this;
        }

        /**
         * Where each task trains: "auto" (the default: the GPU Spark assigned to the task, through
         * CUDA where a cuda backend is available, else OpenCL; else the CPU), "cpu", "cuda" (the
         * assigned GPU, else cuda:0) or "opencl"; a task asking for a backend that is not available
         * fails, saying why.
         */
        public Builder device(String setting) {
            device = ExecutorDevice.checkSetting(setting);
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

        /**
         * How many checkpoints the directory keeps (default 3): after each new one is complete,
         * the oldest beyond this many are deleted. Each carries the best epoch's weights so far, so
         * the best model survives in every kept one. 0 keeps them all.
         */
        public Builder keepCheckpoints(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("keepCheckpoints must be at least 0 (0: keep all), got " + n);
            }
            keepCheckpoints = n;
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

        /**
         * Also write the metrics as TensorBoard scalars into {@code dir} (any Hadoop path), for
         * {@code tensorboard --logdir dir}: see {@link TensorBoardWriter}.
         */
        public Builder tensorBoard(String dir) {
            tensorBoardDir = dir;
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

        /**
         * Whether to print progress (the default): a line per round, and inside a round that runs
         * longer than {@link #progressEvery} the steps done so far across its tasks.
         */
        public Builder progress(boolean v) {
            progress = v;
            return this;
        }

        /**
         * How often a long round reports the steps its tasks have done (default 30 s). The counts
         * arrive with the executors' heartbeats, every {@code spark.executor.heartbeatInterval}
         * (10 s by default).
         */
        public Builder progressEvery(double seconds) {
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("progressEvery must be positive, got " + seconds);
            }
            progressEverySeconds = seconds;
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
            if (earlyStopping != null && earlyStopping.monitor().endsWith("accuracy") && !classification) {
                throw new IllegalArgumentException("early stopping on " + earlyStopping.monitor() + " needs class"
                        + " labels; a regression run monitors val_loss or loss");
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

    /**
     * Drops the replicas executors kept between the run's rounds ({@link LiveReplicas}): a job of
     * one empty task per task slot, no data read. An executor it misses drops them when a task of
     * another run arrives. Never fails the run: it is over either way.
     */
    private static void releaseReplicas(JavaSparkContext jsc, ReplicaConfig cfg) {
        String run = cfg.runId();
        int slots = Math.max(1, jsc.defaultParallelism());
        try {
            jsc.setJobDescription("ignis: dropping the replicas kept on the executors");
            jsc.parallelize(java.util.stream.IntStream.range(0, slots).boxed().toList(), slots)
                    .foreach(i -> LiveReplicas.release(run));
        } catch (RuntimeException e) {
            LOG.debug("the replicas of run {} stay on the executors until another run starts: {}", run,
                    e.toString());
        }
    }

    /** What a task needs of this trainer's settings, for a job of {@code partitions} tasks. */
    private ReplicaConfig config(JavaSparkContext jsc, int partitions) {
        return new ReplicaConfig(b.modelFactory, b.optimizerFactory, b.loss, b.batchSize, b.seed, b.sampleShape,
                b.taskHook, RoundAggregation.pieceElements(jsc, partitions, b.maxPieceBytes), b.fuseLayers, b.device,
                java.util.UUID.randomUUID().toString());
    }

    /**
     * {mean loss, accuracy, samples} of {@code model} (a model of this trainer's architecture, such
     * as one {@link #fit} returned) on {@code data}, evaluated on the executors as validation is:
     * each partition cached for the job, in eval mode, in batches of the batch size, on each task's
     * device.
     *
     * @throws IllegalArgumentException when {@code data} holds no sample
     */
    public double[] evaluate(Module model, JavaRDD<Sample> data) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
        Validation test = new Validation(ReplicaData.cache(data, b.storageLevel, b.truncateLineage),
                config(jsc, data.getNumPartitions()), "test");
        String callersDescription = jsc.getLocalProperty(JOB_DESCRIPTION);
        try {
            jsc.setJobDescription("ignis: evaluating on the test data");
            return test.evaluate(jsc, ModelVector.weights(model), ModelVector.counters(model));
        } finally {
            jsc.setLocalProperty(JOB_DESCRIPTION, callersDescription);
            test.unpersist();
        }
    }

    /** Deals the data, then runs the rounds: the driver loop's state out, one Spark job, the aggregate back. */
    private TrainingResult train(JavaRDD<Sample> data, JavaRDD<Sample> validationData) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
        int replicas = b.replicas > 0 ? b.replicas : Replicas.defaultCount(jsc);
        ReplicaConfig cfg = config(jsc, replicas);
        ReplicaData shards = new ReplicaData(data, replicas, b.seed, b.streamShuffleBuffer, b.storageLevel,
                b.truncateLineage);
        Validation validation = validationData == null ? null
                : new Validation(ReplicaData.cache(validationData, b.storageLevel, b.truncateLineage), cfg, "validation");
        // the Spark UI lists each job under what it does for the run (setJobDescription is per
        // thread); the caller's own description comes back at the end
        String callersDescription = jsc.getLocalProperty(JOB_DESCRIPTION);
        DriverLoop driver = null;
        // shipped once: an executor deserializes the factories once for the run, not every round
        Broadcast<ReplicaConfig> shippedConfig = jsc.broadcast(cfg);
        RoundProgress progress = b.progress ? new RoundProgress(jsc, b.progressEverySeconds) : null;
        try {
            jsc.setJobDescription("ignis: dealing the data to " + replicas + " replica(s)");
            List<Integer> sizes = shards.sizes();
            Replicas.fewBatches(sizes, b.batchSize).ifPresent(LOG::warn);
            RoundPlan plan = RoundPlan.of(sizes, b.batchSize, b.stepsPerRound, b.epochs);
            LOG.info("training {} replica(s) (samples {}) dealt from {} source partition(s), {} step(s) per round, {}"
                    + " round(s) per epoch", replicas, sizes, data.getNumPartitions(), plan.stepsPerRound(),
                    plan.roundsPerEpoch());
            driver = new DriverLoop(b, jsc, plan, validation);
            for (int round = driver.resume(); round < plan.totalRounds() && !driver.stopped(); round++) {
                RoundState state = driver.roundState(round);
                if (b.reshuffleEachEpoch) {
                    shards.reshuffle(state.epoch());
                }
                jsc.setJobDescription(String.format("ignis round %d/%d, epoch %d/%d", round + 1, plan.totalRounds(),
                        state.epoch() + 1, b.epochs));
                long roundStart = System.nanoTime();
                RoundBroadcast broadcast = new RoundBroadcast(jsc, state, cfg.pieceSize());
                if (progress != null) {
                    progress.start(round, plan.totalRounds(), plan.stepsInRound(round, b.batchSize));
                }
                RoundResult result = shards.round(shippedConfig, broadcast, round,
                        progress == null ? null : progress.accumulator(),
                        RoundAggregation.expectOnePiece(state, cfg.pieceSize()));
                if (progress != null) {
                    progress.stop();
                }
                broadcast.destroy();
                driver.takeIn(result);
                driver.complete(round, state, result, (System.nanoTime() - roundStart) / 1e9);
            }
            return driver.result(shards, cfg);
        } finally {
            if (driver != null) {
                driver.close();
            }
            if (progress != null) {
                progress.close();
            }
            releaseReplicas(jsc, cfg);
            shippedConfig.destroy();
            jsc.setLocalProperty(JOB_DESCRIPTION, callersDescription);
            shards.release();
            if (validation != null) {
                validation.unpersist();
            }
        }
    }
}
