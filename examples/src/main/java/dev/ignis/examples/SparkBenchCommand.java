package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.F;
import dev.ignis.optim.SGD;
import dev.ignis.spark.DistributedTrainer;
import dev.ignis.spark.ImageFolderSource;
import dev.ignis.spark.RoundMetrics;
import dev.ignis.spark.Sample;
import dev.ignis.spark.TrainingResult;
import dev.ignis.spark.job.JobSessions;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Generator;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ignis bench spark}: the nn benchmark's model trained by {@link DistributedTrainer} on
 * Spark in local mode, {@code local[P]} with one intra-op thread per task. Prints one line with
 * {@code samples_per_s=} (training samples over the rounds' wall time),
 * {@code replica_samples_per_s=} (one replica's samples over its task's own training time, the
 * slowest task of each round: the figure to hold against {@code bench train --threads 1}), {@code test_acc=},
 * {@code round_overhead=} (share of round wall time outside the tasks' training) and the bytes a
 * round moves; with {@code --swa}, the SWA model (averaging over the last epoch) is evaluated too.
 * Under {@code spark-submit} it runs on the submitted master (see bench/standalone-submit.sh).
 */
@Command(name = "spark", description = "Distributed training on Spark (local[P]) with driver-side averaging.")
final class SparkBenchCommand implements Runnable {
    @Option(names = "--model", defaultValue = "cnn", description = "mlp or cnn (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--partitions", defaultValue = "2", description = "partitions P of the IDX training data; the master"
            + " is local[P] unless one is given (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--replicas", defaultValue = "0", description = "replicas trained side by side (default: the task"
            + " slots, P in local[P])")
    int replicas;

    @Option(names = "--repartition", defaultValue = "0", description = "repartition the training data into this many"
            + " partitions before training (Spark's repartition, a shuffle); 0: as the source made them")
    int repartition;

    @Option(names = "--images", description = "train from this image folder of grayscale 28x28 PNGs (class"
            + " sub-folders, as 'bench loader --make' writes them; any Hadoop path) read by ImageFolderSource, in"
            + " the partitions Spark's file reader makes")
    String images;

    @Option(names = "--epochs", defaultValue = "1", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--steps-per-round", defaultValue = "50",
            description = "local steps between averagings (default ${DEFAULT-VALUE})")
    int stepsPerRound;

    @Option(names = "--master", description = "Spark master (default: the one spark-submit passes, else local[P])")
    String master;

    @Option(names = "--swa", description = "SWA over the last epoch (SWALR to lr 0.05)")
    boolean swa;

    @Option(names = "--output", description = "write metrics.csv, metrics.json and curves.png here (any Hadoop path)")
    String output;

    @Option(names = "--validation-split", defaultValue = "0", description = "hold out this share of the training"
            + " data and evaluate the averaged model on it every epoch (default: none)")
    double validationSplit;

    @Mixin
    FashionOptions options;

    private static List<Sample> idxSamples(FashionMnist ds) {
        List<Sample> samples = new ArrayList<>();
        float[] x = ds.trainX().toFloatArray();
        long[] y = ds.trainY().toLongArray();
        for (int i = 0; i < y.length; i++) {
            samples.add(new Sample(java.util.Arrays.copyOfRange(x, i * 784, (i + 1) * 784), y[i]));
        }
        return samples;
    }

    @Override
    public void run() {
        options.validate();
        CliErrors.oneOf(options.command, "--model", model, FashionModels.KINDS);
        CliErrors.atLeast(options.command, "--partitions", partitions, 1);
        CliErrors.atLeast(options.command, "--epochs", epochs, 1);
        CliErrors.atLeast(options.command, "--steps-per-round", stepsPerRound, 1);
        CliErrors.atLeast(options.command, "--replicas", replicas, 0);
        CliErrors.atLeast(options.command, "--repartition", repartition, 0);
        FashionMnist ds = FashionMnist.load(options.dataDir());
        String kind = model;
        SparkSession spark = JobSessions.open("ignis bench spark", master, "local[" + partitions + "]");
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<Sample> data = images != null
                    ? ImageFolderSource.read(spark, images, "L", new float[] {0.2860f}, new float[] {0.3530f})
                    : jsc.parallelize(idxSamples(ds), partitions);
            if (repartition > 0) {
                data = data.repartition(repartition);
            }
            Generator.getDefault().manualSeed(options.seed);
            DistributedTrainer.Builder trainer = DistributedTrainer.builder()
                    .model(() -> FashionModels.create(kind))
                    .loss(F::crossEntropy)
                    .optimizer(p -> new SGD(p, new SGD.Options().lr(0.05).momentum(0.9)))
                    .batchSize(options.batch).epochs(epochs).stepsPerRound(stepsPerRound).seed(options.seed)
                    .sampleShape(1, 28, 28).fuseLayers(!options.noFuse);
            if (swa) {
                trainer.swa(epochs - 1, 0.05, 1);
            }
            if (output != null) {
                trainer.outputDir(output);
            }
            if (validationSplit > 0) {
                trainer.validationSplit(validationSplit);
            }
            if (replicas > 0) {
                trainer.replicas(replicas);
            }
            System.out.printf("data: %s in %d partitions; model %s; batch %d per replica; %d steps per round%n",
                    images != null ? images : options.dataDir(), data.getNumPartitions(), kind, options.batch,
                    stepsPerRound);
            TrainingResult result = trainer.build().fit(data);
            IntraOpPool.setThreads(options.threads);
            double seconds = 0;
            double outside = 0;
            double replicaSeconds = 0;
            long trained = 0;
            long bytes = 0;
            for (RoundMetrics m : result.metrics()) {
                seconds += m.seconds();
                outside += m.seconds() * m.overhead();
                replicaSeconds += m.seconds() * (1 - m.overhead());
                trained += m.samples();
                bytes = Math.max(bytes, m.bytes());
            }
            double[] eval = ds.evaluate(result.model());
            String swaPart = "";
            if (result.swaModel() != null) {
                double[] s = ds.evaluate(result.swaModel());
                swaPart = String.format(" swa_test_acc=%.4f swa_test_loss=%.4f", s[0], s[1]);
            }
            System.out.printf("ignis spark model=%s partitions=%d replicas=%d epochs=%d steps_per_round=%d rounds=%d"
                            + " samples_per_s=%.0f replica_samples_per_s=%.0f train_acc=%.4f test_acc=%.4f test_loss=%.4f round_overhead=%.3f"
                            + " bytes_per_round=%d%s%n",
                    kind, data.getNumPartitions(), result.replicas(), epochs, stepsPerRound, result.metrics().size(), trained / seconds,
                    (double) trained / result.replicas() / replicaSeconds, result.epochMetrics().get(result.epochMetrics().size() - 1).trainAccuracy(), eval[0], eval[1],
                    outside / seconds, bytes, swaPart);
        } finally {
            spark.stop();
        }
    }
}
