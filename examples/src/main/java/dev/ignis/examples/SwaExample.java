package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.F;
import dev.ignis.nn.Fusion;
import dev.ignis.nn.Module;
import dev.ignis.optim.SGD;
import dev.ignis.optim.TrainingStep;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.swa.AveragedModel;
import dev.ignis.swa.BatchNormUpdate;
import dev.ignis.swa.SWALR;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Stochastic weight averaging on Fashion-MNIST ({@code bin/ignis example swa}): the CNN of the nn
 * benchmark trained with SGD(lr 0.05, momentum 0.9) for {@code --epochs}, then {@code --swa-epochs}
 * more under SWALR (annealing to {@code --swa-lr} over the first {@code --anneal-steps} steps,
 * stepped per batch) while an {@link AveragedModel} folds in the weights every
 * {@code --average-every} steps; finally updateBn recomputes the average's BatchNorm statistics
 * over the training set. Prints test accuracy and test loss of the last model and of the average.
 */
@Command(name = "swa", description = "Train the CNN with SGD, then with SWA; compare the last and the averaged model.")
public final class SwaExample implements Runnable {
    @Option(names = "--epochs", defaultValue = "2", description = "plain SGD epochs E (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--swa-epochs", defaultValue = "2", description = "SWA epochs S (default ${DEFAULT-VALUE})")
    int swaEpochs;

    @Option(names = "--swa-lr", defaultValue = "0.05", description = "SWALR's target lr (default ${DEFAULT-VALUE})")
    double swaLr;

    @Option(names = "--anneal-steps", defaultValue = "300", description = "SWALR annealing steps (default ${DEFAULT-VALUE})")
    int annealSteps;

    @Option(names = "--average-every", defaultValue = "200",
            description = "steps between AveragedModel updates (default ${DEFAULT-VALUE})")
    int averageEvery;

    @Mixin
    FashionOptions options;

    @Override
    public void run() {
        options.validate();
        CliErrors.atLeast(options.command, "--epochs", epochs, 0);
        CliErrors.atLeast(options.command, "--swa-epochs", swaEpochs, 1);
        CliErrors.atLeast(options.command, "--anneal-steps", annealSteps, 1);
        CliErrors.atLeast(options.command, "--average-every", averageEvery, 1);
        int batch = options.batch;
        IntraOpPool.setThreads(options.threads);
        String dir = options.dataDir();
        FashionMnist ds = FashionMnist.load(dir);
        int n = ds.trainX().size(0);
        System.out.printf("data: %s (%d train, %d test images); CNN; %d SGD epoch(s) + %d SWA epoch(s); batch %d%n", dir,
                n, ds.testX().size(0), epochs, swaEpochs, batch);
        Generator gen = new Generator(options.seed);
        Generator.getDefault().manualSeed(options.seed);
        Module net = options.noFuse ? FashionModels.create("cnn") : Fusion.fuse(FashionModels.create("cnn"));
        SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.05).momentum(0.9));
        TrainingStep trainingStep = new TrainingStep(opt, net::call, F::crossEntropy);
        AveragedModel<Module> swa = new AveragedModel<>(net, () -> FashionModels.create("cnn"));
        TrainingBatches source = TrainingBatches.direct(ds, batch, gen);
        SWALR swaScheduler = null;
        int stepsPerEpoch = n / batch;
        for (int epoch = 1; epoch <= epochs + swaEpochs; epoch++) {
            boolean averaging = epoch > epochs;
            if (averaging && swaScheduler == null) {
                swaScheduler = new SWALR(opt, swaLr, new SWALR.Options().annealEpochs(annealSteps));
            }
            net.train();
            Iterator<Tensor[]> batches = source.epoch();
            double lossSum = 0;
            long start = System.nanoTime();
            for (int step = 0; step < stepsPerEpoch; step++) {
                Tensor[] xy = batches.next();
                lossSum += trainingStep.run(xy[0], xy[1]).lossValue();
                if (averaging) {
                    swaScheduler.step();
                    if ((step + 1) % averageEvery == 0) {
                        swa.updateParameters(net);
                    }
                }
                if ((step + 1) % 200 == 0 || step + 1 == stepsPerEpoch) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.out.printf("%s epoch %d/%d step %d/%d loss %.4f lr %.4f %.0f samples/s ETA(epoch) %.0f s%n",
                            averaging ? "swa" : "sgd", epoch, epochs + swaEpochs, step + 1, stepsPerEpoch,
                            lossSum / (step + 1), opt.paramGroups().get(0).lr(), (step + 1) * batch / secs,
                            (stepsPerEpoch - step - 1) * secs / (step + 1));
                }
            }
        }
        if (swa.nAveraged() == 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "no model was averaged: give --swa-epochs >= 1"
                    + " and --average-every <= " + stepsPerEpoch);
        }
        System.out.printf("updateBn over %d training batches (%d models averaged)%n", stepsPerEpoch, swa.nAveraged());
        BatchNormUpdate.updateBn(trainBatches(ds, stepsPerEpoch, batch), swa);
        double[] last = ds.evaluate(net);
        double[] averaged = ds.evaluate(swa);
        System.out.printf("ignis swa epochs=%d swa_epochs=%d last_test_acc=%.4f last_test_loss=%.4f swa_test_acc=%.4f"
                + " swa_test_loss=%.4f%n", epochs, swaEpochs, last[0], last[1], averaged[0], averaged[1]);
    }

    private static List<Tensor> trainBatches(FashionMnist ds, int count, int batch) {
        List<Tensor> batches = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            batches.add(ds.trainX().narrow(0, b * batch, batch));
        }
        return batches;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SwaExample()).execute(args));
    }
}
