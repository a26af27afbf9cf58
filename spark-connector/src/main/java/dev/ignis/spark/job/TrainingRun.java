package dev.ignis.spark.job;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.F;
import dev.ignis.nn.ModelDirectory;
import dev.ignis.nn.Module;
import dev.ignis.spark.DistributedTrainer;
import dev.ignis.spark.EpochMetrics;
import dev.ignis.spark.SerializableSupplier;
import dev.ignis.spark.TrainJob;
import dev.ignis.spark.TrainingResult;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link TrainJob}: reads the data (normalisation computed from the training images
 * unless given), trains with {@link DistributedTrainer}, evaluates on the test data on the executors,
 * writes the model and prints one summary line: {@code ignis train model=... samples_per_s=...
 * train_loss=... train_acc=... test_acc=... test_loss=...}.
 */
public final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final TrainJob job;

    public TrainingRun(TrainJob job) {
        this.job = job;
    }

    /**
     * Runs the job: in the session already running in this JVM (a shell's, a notebook's), left
     * running, else in a session of its own, stopped at the end.
     */
    public void run() {
        boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = JobSessions.open("ignis train", job.master, "local[*]");
        try {
            train(spark);
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    private void train(SparkSession spark) {
        boolean images = job.format.equals("idx") || job.format.equals("image-folder");
        JobData.Reading how = new JobData.Reading(job.format, job.featuresCol, job.labelCol, job.imageMode,
                job.sampleShape, job.partitions);
        float[] mean = job.mean;
        float[] std = job.std;
        JobData.Loaded train;
        if (images && mean == null) {
            JobData.Loaded raw = JobData.read(spark, job.data, "train", how, null, null);
            float[][] stats = JobData.channelStats(raw.samples(), raw.sampleShape()[0]);
            mean = stats[0];
            std = stats[1];
            System.out.printf(Locale.ROOT, "normalisation from the training data: mean %s, std %s%n",
                    Arrays.toString(mean), Arrays.toString(std));
            train = JobData.normalized(raw, mean, std);
        } else {
            train = JobData.read(spark, job.data, "train", how, mean, std);
        }
        List<String> classes = classNames(train);
        int[] shape = train.sampleShape();
        SerializableSupplier<Module> factory = modelFactory(job.model, shape, classes.size());
        Module probe = factory.get();
        System.out.printf("data: %s (%s, samples of shape %s, %d classes); model %s (%d parameters)%n", job.data,
                job.format, Arrays.toString(shape), classes.size(), job.model,
                probe.parameters().stream().mapToLong(Tensor::numel).sum());

        DistributedTrainer.Builder trainer = DistributedTrainer.builder().model(factory).loss(F::crossEntropy)
                .optimizer(job.optimizerFactory()).batchSize(job.batchSize).epochs(job.epochs)
                .stepsPerRound(job.stepsPerRound).seed(job.seed).sampleShape(shape).device(job.device);
        if (job.replicas > 0) {
            trainer.replicas(job.replicas);
        }
        if (job.schedulerFactory() != null) {
            trainer.scheduler(job.schedulerFactory(), false);
        }
        if (job.swaStart >= 0) {
            trainer.swa(job.swaStart, job.swaLr, 1);
        }
        if (job.validationData != null) {
            trainer.validation(JobData.read(spark, job.validationData, heldOutSplit(spark, job.validationData), how,
                    mean, std).samples());
        } else if (job.validationSplit > 0) {
            trainer.validationSplit(job.validationSplit);
        }
        if (job.checkpointDir != null) {
            trainer.checkpoint(job.checkpointDir, job.checkpointEvery).resume(job.resume);
        }
        if (job.output != null) {
            trainer.outputDir(job.output);
        }
        if (job.tensorboard != null) {
            trainer.tensorBoard(job.tensorboard);
        }
        Generator.getDefault().manualSeed(job.seed);
        // in local mode the tasks run in this JVM and set the (JVM-wide) intra-op threads to
        // spark.task.cpus; the JVM gets its own threads back afterwards (a shell that ran the job goes on)
        int driverThreads = IntraOpPool.threads();
        long start = System.nanoTime();
        DistributedTrainer built = trainer.build();
        TrainingResult result = built.fit(train.samples());
        double seconds = (System.nanoTime() - start) / 1e9;
        IntraOpPool.setThreads(driverThreads);
        Module trained = result.swaModel() != null ? result.swaModel()
                : result.bestModel() != null ? result.bestModel() : result.model();

        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
                "ignis train model=%s format=%s epochs=%d replicas=%d seconds=%.1f", job.model, job.format,
                job.epochs, result.replicas(), seconds));
        List<EpochMetrics> epochs = result.epochMetrics();
        if (!epochs.isEmpty()) {
            EpochMetrics last = epochs.get(epochs.size() - 1);
            summary.append(String.format(Locale.ROOT, " train_loss=%.4f train_acc=%.4f", last.trainLoss(),
                    last.trainAccuracy()));
        }
        String test = testData(spark);
        if (test != null) {
            JobData.Loaded testSet = JobData.read(spark, test, heldOutSplit(spark, test), how, mean, std);
            long evaluating = System.nanoTime();
            double[] eval = built.evaluate(trained, testSet.samples());
            LOG.info("evaluated on {} test samples in {} s", (long) eval[2], String.format(Locale.ROOT, "%.1f",
                    (System.nanoTime() - evaluating) / 1e9));
            summary.append(String.format(Locale.ROOT, " test_acc=%.4f test_loss=%.4f test_samples=%d", eval[1],
                    eval[0], (long) eval[2]));
        }
        if (job.output != null) {
            String dir = new Path(job.output, "model").toString();
            Module clean = factory.get();   // unfused, so every layer is described as the user built it
            clean.loadStateDict(trained.stateDict());
            ModelDirectory.save(clean, dir, metadata(classes, shape, mean, std),
                    spark.sparkContext().hadoopConfiguration());
            System.out.println("saved the model to " + dir);
        }
        System.out.println(summary);
    }

    /** --classes, else the image folders' names, else "0" .. "K-1". */
    private List<String> classNames(JobData.Loaded data) {
        List<String> names = job.classes != null && !job.classes.isEmpty() ? job.classes : data.classNames();
        if (names == null) {
            names = new ArrayList<>();
            for (int c = 0; c < data.classes(); c++) {
                names.add(Integer.toString(c));
            }
        }
        if (names.size() < data.classes()) {
            throw new IllegalArgumentException("--classes names " + names.size() + " classes but the labels of "
                    + job.data + " go up to " + (data.classes() - 1));
        }
        return names;
    }

    /** --test-data, else for idx the t10k files beside the training files when they are there, else null. */
    private String testData(SparkSession spark) {
        if (job.testData != null) {
            return job.testData;
        }
        return job.format.equals("idx") && JobData.hasIdxSplit(spark, job.data, "t10k") ? job.data : null;
    }

    /** For idx, a held-out directory's t10k files where it has them, else its train files. */
    private String heldOutSplit(SparkSession spark, String uri) {
        return job.format.equals("idx") && JobData.hasIdxSplit(spark, uri, "t10k") ? "t10k" : "train";
    }

    /** A built-in model by name, else a Module class by name with a public no-arg constructor. */
    static SerializableSupplier<Module> modelFactory(String model, int[] shape, int classes) {
        if (BuiltInModels.NAMES.contains(model)) {
            int[] sampleShape = shape.clone();
            BuiltInModels.create(model, sampleShape, classes);
            return () -> BuiltInModels.create(model, sampleShape, classes);
        }
        return customModel(model);
    }

    /**
     * The module class {@code className} (a user's, from the job's jar) built by its public no-arg
     * constructor on each call; tried once here, so that a wrong name fails before any work.
     *
     * @throws IllegalArgumentException naming the class when it is not a loadable Module with such a constructor
     */
    public static SerializableSupplier<Module> customModel(String className) {
        SerializableSupplier<Module> custom = () -> {
            try {
                Class<?> cls = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
                return (Module) cls.getConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new IllegalArgumentException("--model " + className + ": not a dev.ignis.nn.Module class with a"
                        + " public no-arg constructor on the class path (" + e + ")", e);
            }
        };
        custom.get();
        return custom;
    }

    /** What model.json records beside the architecture. */
    private Map<String, Object> metadata(List<String> classes, int[] shape, float[] mean, float[] std) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("classes", classes);
        meta.put("input_shape", shape);
        if (mean != null) {
            meta.put("normalize", Map.of("mean", mean, "std", std));
        }
        meta.put("data_format", job.format);
        meta.put("trained_with", "TrainJob --model " + job.model + " --epochs " + job.epochs + " --optimizer "
                + job.optimizer + " --lr " + job.learningRate());
        return meta;
    }
}
