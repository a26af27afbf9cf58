package dev.ignis.examples;

import dev.ignis.autograd.Profiler;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.F;
import dev.ignis.nn.Fusion;
import dev.ignis.nn.Module;
import dev.ignis.optim.SGD;
import dev.ignis.optim.TrainingStep;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.MemoryScope;
import dev.ignis.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ignis bench train}: the models of shared/bench/torch_fashion.py on
 * Fashion-MNIST with SGD(lr 0.05, momentum 0.9), shuffled every epoch; prints progress, then one
 * line with {@code train_samples_per_s=}, {@code test_acc=} and the heap figures: the peak of the
 * used heap, and the live heap (after a full GC) before the first step, at step 20 and at the end,
 * which show whether anything accumulates from step to step, and {@code data_wait_share}: the
 * share of training time spent getting the next batch (indexing, or waiting on a DataLoader with
 * {@code --workers}).
 */
@Command(name = "train", description = "Train the MLP or CNN of shared/bench/torch_fashion.py on Fashion-MNIST in"
        + " one JVM, without Spark (the benchmark against torch_fashion.py).")
final class TrainCommand implements Runnable {
    /** The heap's memory pools, looked up once: the lookup builds management names on every call. */
    private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();

    @Option(names = "--model", defaultValue = "cnn", description = "mlp or cnn (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--epochs", defaultValue = "1", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Mixin
    FashionOptions options;

    @Option(names = "--workers", defaultValue = "-1", description = "feed training batches through a DataLoader with"
            + " this many workers (default: index the tensors directly, as torch_fashion.py does)")
    int workers;

    @Option(names = "--device", defaultValue = "cpu",
            description = "where the model trains: cpu, cuda, cuda:N, opencl, or auto: cuda, else an OpenCL GPU, else the cpu"
                    + " (default ${DEFAULT-VALUE})")
    String deviceName;

    @Option(names = "--profile", description = "time the last epoch by layer forward, backward node, loss, optimizer"
            + " step and batch fetching, and print the table (torch.autograd.profiler's key_averages)")
    boolean profile;

    @Option(names = "--images", description = "train from this image folder of PNGs (class sub-folders, e.g. written by"
            + " 'bench loader --make') through a DataLoader instead of the IDX training images")
    String images;

    @Override
    public void run() {
        options.validate();
        CliErrors.atLeast(options.command, "--epochs", epochs, 1);
        CliErrors.atLeast(options.command, "--workers", workers, -1);
        CliErrors.oneOf(options.command, "--model", model, FashionModels.KINDS);
        Device device = CliErrors.device(options.command, deviceName);
        int batch = options.batch;
        int threads = options.threads;
        long seed = options.seed;
        IntraOpPool.setThreads(threads);
        String dir = options.dataDir();
        FashionMnist ds = FashionMnist.load(dir);
        int n = ds.trainX().size(0);
        System.out.printf("data: %s (%d train, %d test images); model %s; batch %d; %d thread(s)%n", dir, n,
                ds.testX().size(0), model, batch, threads);
        Generator gen = new Generator(seed);
        Generator.getDefault().manualSeed(seed);
        Module net = options.noFuse ? FashionModels.create(model) : Fusion.fuse(FashionModels.create(model));
        net.to(device);
        SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.05).momentum(0.9));
        TrainingStep trainingStep = new TrainingStep(opt, net::call, F::crossEntropy);
        TrainingBatches source = images != null ? TrainingBatches.imageFolder(images, batch, Math.max(workers, 0), gen)
                : workers >= 0 ? TrainingBatches.loader(ds, batch, workers, gen) : TrainingBatches.direct(ds, batch, gen);
        n = (int) source.samples();
        long seen = 0;
        // Collected before the clock starts: loading the data leaves its garbage, and the live
        // data, in the young generation; the first collection inside the timed loop would copy it
        // (about 40 ms for Fashion-MNIST's test set), a cost of loading, not of training.
        long liveAtStart = liveHeap();
        long start = System.nanoTime();
        long peakHeap = 0;
        long heapAfterFirstSteps = -1;
        int stepsPerEpoch = n / batch;
        long waitNanos = 0;
        Profiler profiler = null;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            if (profile && epoch == epochs) {
                profiler = Profiler.start();   // the last epoch: after the JIT's warm-up when there are several
            }
            net.train();
            double lossSum = 0;
            // on an accelerator the losses are summed where they are, and read only when printed
            Tensor deviceLossSum = device.isCpu() ? null : Tensor.zeros(DType.FLOAT32, device);
            Iterator<Tensor[]> batches = source.epoch();
            for (int step = 0; step < stepsPerEpoch; step++) {
                long waitStart = System.nanoTime();
                Tensor[] xy = batches.next();
                waitNanos += System.nanoTime() - waitStart;
                // the batch on the device, the output and the loss go back when the step ends
                try (MemoryScope stepScope = MemoryScope.open()) {
                    Tensor x = xy[0].to(device);
                    Tensor y = xy[1].to(device);
                    if (profiler != null) {
                        profiler.record("next batch", System.nanoTime() - waitStart);
                    }
                    TrainingStep.Result r = trainingStep.run(x, y);
                    if (deviceLossSum == null) {
                        lossSum += r.lossValue();
                    } else {
                        deviceLossSum.add_(r.loss());
                    }
                }
                seen += batch;
                peakHeap = Math.max(peakHeap, usedHeap());
                if (epoch == 1 && step == 20) {
                    long paused = System.nanoTime();
                    heapAfterFirstSteps = liveHeap();
                    start += System.nanoTime() - paused;   // the measurement is not training time
                    if (profiler != null) {
                        profiler.record("live heap measurement (full GC, not training)", System.nanoTime() - paused);
                    }
                }
                if ((step + 1) % 100 == 0 || step + 1 == stepsPerEpoch) {
                    if (deviceLossSum != null) {
                        lossSum = deviceLossSum.item();
                    }
                    double secs = (System.nanoTime() - start) / 1e9;
                    double rate = seen / secs;
                    long left = (long) epochs * stepsPerEpoch * batch - seen;
                    System.out.printf("epoch %d/%d step %d/%d loss %.4f  %.0f samples/s  ETA %.0f s%n", epoch, epochs,
                            step + 1, stepsPerEpoch, lossSum / (step + 1), rate, left / rate);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (profiler != null) {
            profiler.close();
        }
        source.close();
        double accuracy = ds.evaluate(net, device)[0];
        long liveAtEnd = liveHeap();
        System.out.printf("ignis %s epochs=%d batch=%d threads=%d device=%s source=%s train_samples_per_s=%.0f"
                        + " test_acc=%.4f data_wait_share=%.3f peak_heap_mb=%d live_heap_start_mb=%d"
                        + " live_heap_step20_mb=%d live_heap_end_mb=%d%n", model, epochs, batch, threads, device,
                source.name(), seen / seconds,
                accuracy, waitNanos / 1e9 / seconds, peakHeap >> 20, liveAtStart >> 20, heapAfterFirstSteps >> 20,
                liveAtEnd >> 20);
        if (profiler != null) {
            System.out.printf("profile of epoch %d (%d steps):%n%s", epochs, stepsPerEpoch, profiler.table());
        }
    }

    /** Heap still reachable: used heap right after a full collection (for "does the heap grow?"). */
    static long liveHeap() {
        System.gc();
        System.gc();
        return usedHeap();
    }

    /** Heap in use (all heap pools), sampled without forcing a collection. */
    static long usedHeap() {
        long used = 0;
        for (MemoryPoolMXBean p : HEAP_POOLS) {
            used += p.getUsage().getUsed();
        }
        return used;
    }
}
