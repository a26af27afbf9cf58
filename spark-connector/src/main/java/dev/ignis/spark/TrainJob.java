package dev.ignis.spark;

import dev.ignis.spark.cli.CliErrors;
import dev.ignis.spark.job.BuiltInModels;
import dev.ignis.spark.job.JobData;
import dev.ignis.spark.job.TrainingRun;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The training job: {@code spark-submit --class dev.ignis.spark.TrainJob ignis-spark-connector-<v>-all.jar
 * --data URI [options]}, and {@code bin/ignis train}, which runs it on an embedded {@code local[*]}
 * Spark when no master is given (and supplies the bundled Fashion-MNIST as the default
 * {@code --data}, through the {@code ignis.train.data} and {@code ignis.train.classes} system
 * properties). Reads the data, trains a model data-parallel with {@link DistributedTrainer},
 * evaluates it on the test data and writes it as a {@link dev.ignis.nn.ModelDirectory} under
 * {@code --output}. Every option is checked before Spark starts. Exit status: 0 trained, 1 the
 * training failed, 2 bad arguments ({@link CliErrors}).
 *
 * <p>This class holds the options and their checks only; what runs is {@link TrainingRun}, so
 * that listing the command ({@code bin/ignis --help}) needs no Spark class.
 */
@Command(name = "train", version = "ignis 0.1.0-SNAPSHOT", sortOptions = false,
        description = {"Train a model data-parallel on Spark: each replica trains on its share of the data for"
                + " --steps-per-round steps, the driver averages the replicas, repeat. Without a master (neither"
                + " --master nor spark-submit's) it runs on an embedded local[*] Spark.", ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:trained; the model is written when --output is given", "1:the training failed",
                "2:bad arguments"})
public final class TrainJob implements Callable<Integer> {
    /** How the help and errors tell a spark-submit user to run the job. */
    static final String LAUNCHER = "spark-submit --class dev.ignis.spark.TrainJob ignis-spark-connector-all.jar";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", defaultValue = "${sys:ignis.train.data}", description = "the training data (file:,"
            + " hdfs: or any Hadoop URI): for --format idx a directory of train-images-idx3-ubyte[.gz] and"
            + " train-labels-idx1-ubyte[.gz] (and t10k-* as the test data)")
    public String data;

    @Option(names = "--format", defaultValue = "idx", description = "idx, image-folder (class sub-folders of"
            + " PNG/JPEG/BMP/GIF), parquet or csv (with a header) (default ${DEFAULT-VALUE})")
    public String format;

    @Option(names = "--features-col", defaultValue = "features", description = "parquet/csv: the features column"
            + " (vector or numeric array); a table without it uses every numeric column but the label"
            + " (default ${DEFAULT-VALUE})")
    public String featuresCol;

    @Option(names = "--label-col", defaultValue = "label", description = "parquet/csv: the class label column"
            + " (default ${DEFAULT-VALUE})")
    public String labelCol;

    @Option(names = "--image-mode", defaultValue = "L", description = "image-folder: L (grayscale) or RGB"
            + " (default ${DEFAULT-VALUE})")
    public String imageMode;

    @Option(names = "--sample-shape", split = ",", description = "one sample's shape, e.g. 3,32,32 (default: from the"
            + " data; needed for non-square images)")
    public int[] sampleShape;

    @Option(names = "--mean", split = ",", description = "images: per-channel mean to subtract (default: computed"
            + " from the training data)")
    public float[] mean;

    @Option(names = "--std", split = ",", description = "images: per-channel standard deviation to divide by"
            + " (default: computed from the training data)")
    public float[] std;

    @Option(names = "--classes", split = ",", defaultValue = "${sys:ignis.train.classes}", description = "class"
            + " names in label order, saved with the model (default: the image folders' names, else 0, 1, ...)")
    public List<String> classes;

    @Option(names = "--model", defaultValue = "cnn", description = "mlp, cnn (sized for the data), or the class name"
            + " of a dev.ignis.nn.Module with a public no-arg constructor on the class path (default ${DEFAULT-VALUE})")
    public String model;

    @Option(names = "--epochs", defaultValue = "${sys:ignis.train.epochs:-1}", description = "epochs"
            + " (default ${DEFAULT-VALUE})")
    public int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "samples per step on each replica"
            + " (default ${DEFAULT-VALUE})")
    public int batchSize;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, adam or adamw (default ${DEFAULT-VALUE})")
    public String optimizer;

    @Option(names = "--lr", description = "learning rate (default: 0.05 for sgd, 0.001 for adam and adamw)")
    public Double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "sgd's momentum (default ${DEFAULT-VALUE})")
    public double momentum;

    @Option(names = "--weight-decay", description = "weight decay (default: 0; adamw 0.01, decoupled)")
    public Double weightDecay;

    @Option(names = "--scheduler", defaultValue = "none", description = "LR scheduler stepped every epoch: none,"
            + " step (StepLR), exponential, cosine (CosineAnnealingLR over the epochs), onecycle (max_lr = --lr)"
            + " (default ${DEFAULT-VALUE})")
    public String scheduler;

    @Option(names = "--step-size", defaultValue = "1", description = "step: epochs between decays"
            + " (default ${DEFAULT-VALUE})")
    public int stepSize;

    @Option(names = "--gamma", defaultValue = "0.1", description = "step, exponential: the decay factor"
            + " (default ${DEFAULT-VALUE})")
    public double gamma;

    @Option(names = "--steps-per-round", defaultValue = "${sys:ignis.train.steps-per-round:-50}", description = "local steps between averagings"
            + " (0: one round per epoch) (default ${DEFAULT-VALUE})")
    public int stepsPerRound;

    @Option(names = "--replicas", defaultValue = "0", description = "replicas trained side by side (default: the"
            + " cluster's task slots)")
    public int replicas;

    @Option(names = "--swa-start", defaultValue = "-1", description = "average the weights (SWA) from this epoch"
            + " on, counted from 0; the saved model is then the average (default: no SWA)")
    public int swaStart;

    @Option(names = "--swa-lr", defaultValue = "0.05", description = "SWALR's learning rate during SWA"
            + " (default ${DEFAULT-VALUE})")
    public double swaLr;

    @Option(names = "--validation-data", description = "data in --format to evaluate every epoch; the saved model"
            + " is then the best epoch's by validation loss (unless SWA)")
    public String validationData;

    @Option(names = "--validation-split", defaultValue = "0", description = "instead: hold out this share of the"
            + " training data for validation")
    public double validationSplit;

    @Option(names = "--test-data", description = "data in --format to report accuracy on at the end (default for"
            + " idx: the t10k files in --data, when there)")
    public String testData;

    @Option(names = "--checkpoint-dir", description = "write checkpoints here (any Hadoop URI)")
    public String checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "10", description = "rounds between checkpoints"
            + " (default ${DEFAULT-VALUE})")
    public int checkpointEvery;

    @Option(names = "--resume", description = "continue from the newest good checkpoint in --checkpoint-dir")
    public boolean resume;

    @Option(names = "--output", defaultValue = "${sys:ignis.train.output}", description = "write the model (DIR/model:"
            + " model.json with the architecture, classes and normalisation, model.safetensors with the weights),"
            + " metrics.csv, metrics.json and curves.png here (bin/ignis: runs/train)")
    public String output;

    @Option(names = "--tensorboard", description = "also write the metrics as TensorBoard scalars here (any Hadoop"
            + " URI), for tensorboard --logdir")
    public String tensorboard;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    public long seed;

    @Option(names = "--device", defaultValue = "auto", description = "each replica's device: auto (the GPU Spark"
            + " assigned to the task, else the CPU), cpu, cuda or opencl (default ${DEFAULT-VALUE})")
    public String device;

    @Option(names = "--partitions", defaultValue = "0", description = "read the data into this many partitions"
            + " (default: as the source gives them; idx: Spark's default parallelism)")
    public int partitions;

    @Option(names = "--master", description = "Spark master (default: spark-submit's, else local[*])")
    public String master;

    /** Runs the job with {@code args}; exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the job with {@code args} as spark-submit would; returns the exit status. Here the job is
     * the whole command line, so it gets {@code --help}, {@code --version} and {@code --verbose}
     * itself (under {@code bin/ignis} it inherits them).
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new TrainJob());
        cli.getCommandSpec().mixinStandardHelpOptions(true);
        cli.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("--verbose")
                .description("print the stack trace of a failure (also: IGNIS_DEBUG=1)").build());
        return CliErrors.install(cli, LAUNCHER).execute(args);
    }

    @Override
    public Integer call() {
        validate();
        try {
            new TrainingRun(this).run();
        } catch (JobData.NoSuchInput e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return 0;
    }

    /** Checks every option before any work, naming the option and value that is wrong. */
    private void validate() {
        if (data == null) {
            throw new ParameterException(spec.commandLine(), "--data is required (the training data's URI)");
        }
        CliErrors.oneOf(spec, "--format", format, JobData.FORMATS);
        CliErrors.oneOf(spec, "--image-mode", imageMode, List.of("L", "RGB"));
        CliErrors.oneOf(spec, "--optimizer", optimizer, TrainingChoices.OPTIMIZERS);
        CliErrors.oneOf(spec, "--scheduler", scheduler, TrainingChoices.SCHEDULERS);
        CliErrors.atLeast(spec, "--epochs", epochs, 1);
        CliErrors.atLeast(spec, "--batch-size", batchSize, 1);
        CliErrors.atLeast(spec, "--steps-per-round", stepsPerRound, 0);
        CliErrors.atLeast(spec, "--replicas", replicas, 0);
        CliErrors.atLeast(spec, "--step-size", stepSize, 1);
        CliErrors.atLeast(spec, "--swa-start", swaStart, -1);
        CliErrors.atLeast(spec, "--checkpoint-every", checkpointEvery, 0);
        CliErrors.atLeast(spec, "--partitions", partitions, 0);
        if (swaStart >= epochs) {
            throw new ParameterException(spec.commandLine(), "--swa-start " + swaStart + " is past the last epoch ("
                    + (epochs - 1) + ", counted from 0)");
        }
        positive("--lr", lr == null ? 1 : lr);
        positive("--swa-lr", swaLr);
        positive("--gamma", gamma);
        if (momentum < 0 || (weightDecay != null && weightDecay < 0)) {
            throw new ParameterException(spec.commandLine(), (momentum < 0 ? "--momentum " + momentum
                    : "--weight-decay " + weightDecay) + " must not be negative");
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new ParameterException(spec.commandLine(), "--validation-split must be in [0, 1), got "
                    + validationSplit);
        }
        if (validationSplit > 0 && validationData != null) {
            throw new ParameterException(spec.commandLine(), "give --validation-data or --validation-split, not both");
        }
        if (resume && checkpointDir == null) {
            throw new ParameterException(spec.commandLine(), "--resume needs --checkpoint-dir");
        }
        if ((mean == null) != (std == null)) {
            throw new ParameterException(spec.commandLine(), "--mean and --std go together");
        }
        if (!BuiltInModels.NAMES.contains(model)) {
            if (!model.contains(".")) {
                throw new ParameterException(spec.commandLine(), "--model must be one of " + String.join(", ",
                        BuiltInModels.NAMES) + " or a class name, got '" + model + "'");
            }
            try {
                TrainingRun.customModel(model);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        CliErrors.oneOf(spec, "--device", device, ExecutorDevice.SETTINGS);
    }

    private void positive(String option, double value) {
        if (!(value > 0)) {
            throw new ParameterException(spec.commandLine(), option + " must be positive, got " + value);
        }
    }

    /** The learning rate: --lr, else 0.05 for SGD (the Fashion benchmark's) and PyTorch's 0.001 for Adam/AdamW. */
    public double learningRate() {
        return lr != null ? lr : optimizer.equals("sgd") ? 0.05 : 1e-3;
    }

    /** The optimizer the options name. */
    public OptimizerFactory optimizerFactory() {
        return TrainingChoices.optimizer(optimizer, learningRate(), momentum, weightDecay);
    }

    /** The scheduler the options name, or null. */
    public java.util.function.Function<dev.ignis.optim.Optimizer, dev.ignis.optim.lr.LRScheduler> schedulerFactory() {
        return TrainingChoices.scheduler(scheduler, epochs, stepSize, gamma, learningRate());
    }
}
