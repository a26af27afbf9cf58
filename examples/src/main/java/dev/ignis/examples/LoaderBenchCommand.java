package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.data.DataLoader;
import dev.ignis.data.vision.ImageFolder;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.io.File;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ignis bench loader}: images/s of a shuffled DataLoader over an ImageFolder of PNGs
 * (grayscale, ToTensor + Normalize). {@code --make N} first writes the first N Fashion-MNIST
 * training images as PNGs into {@code --data}, one folder per class.
 */
@Command(name = "loader", description = "DataLoader throughput over an image folder of PNG files.")
final class LoaderBenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, description = "image folder (class sub-folders)")
    String data;

    @Option(names = "--workers", defaultValue = "0", description = "DataLoader worker threads (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--batch", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--make", defaultValue = "0",
            description = "first write this many Fashion-MNIST training images into --data as PNGs")
    int make;

    @Option(names = "--passes", defaultValue = "40", description = "timed passes over the folder (default ${DEFAULT-VALUE})")
    int passes;

    @Option(names = "--persistent-workers", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "keep the worker threads between passes, as PyTorch's persistent_workers=True (default"
                    + " ${DEFAULT-VALUE}; --no-persistent-workers starts them anew every pass)")
    boolean persistentWorkers;

    @Option(names = "--warmup", defaultValue = "10",
            description = "untimed passes first, at least (default ${DEFAULT-VALUE}); more follow until two in a row"
                    + " see no JIT compilation, up to --max-warmup")
    int warmup;

    @Option(names = "--max-warmup", defaultValue = "100",
            description = "most untimed passes (default ${DEFAULT-VALUE})")
    int maxWarmup;

    @Override
    public void run() {
        CliErrors.atLeast(spec, "--workers", workers, 0);
        CliErrors.atLeast(spec, "--batch", batch, 1);
        CliErrors.atLeast(spec, "--make", make, 0);
        CliErrors.atLeast(spec, "--passes", passes, 1);
        CliErrors.atLeast(spec, "--warmup", warmup, 0);
        CliErrors.atLeast(spec, "--max-warmup", maxWarmup, warmup);
        IntraOpPool.setThreads(1);
        if (make > 0) {
            FashionPngs.writePngs(new File(data), make);
        }
        ImageFolder folder = TrainingBatches.fashionPngFolder(data);
        try (DataLoader<Object> loader = DataLoader.of(folder).batchSize(batch).shuffle(true)
                .generator(new Generator(0)).numWorkers(workers).persistentWorkers(persistentWorkers && workers > 0).build()) {
            int warmupPasses = warmUp(loader);
            long images = 0;
            long start = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                images += count(loader);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("ignis loader images=%d workers=%d persistent_workers=%s batch=%d warmup_passes=%d"
                    + " passes=%d images_per_s=%.0f%n", folder.size(), workers, persistentWorkers && workers > 0, batch,
                    warmupPasses, passes, images / seconds);
        }
    }

    /**
     * Untimed passes: at least {@code --warmup}, then more until two passes in a row go by without
     * JIT compilation (at most {@code --max-warmup}). With every core busy in the workers the
     * compiler threads get little time, so the JIT finishes far later than with no workers
     * (measured: after 10 passes the two-worker rate was ~10% below its rate after 40, the
     * no-worker rate unchanged); a fixed count would time compilation in one mode and not in the
     * other.
     */
    private int warmUp(DataLoader<Object> loader) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean canTell = jit != null && jit.isCompilationTimeMonitoringSupported();
        long compiledMs = canTell ? jit.getTotalCompilationTime() : 0;
        int p = 0;
        int quietPasses = 0;
        while (p < maxWarmup) {
            count(loader);
            p++;
            long nowMs = canTell ? jit.getTotalCompilationTime() : 0;
            quietPasses = nowMs == compiledMs ? quietPasses + 1 : 0;
            compiledMs = nowMs;
            if (p >= warmup && (quietPasses >= 2 || !canTell)) {
                break;
            }
        }
        return p;
    }

    private static long count(DataLoader<Object> loader) {
        long n = 0;
        for (Object b : loader) {
            n += ((Tensor) ((Object[]) b)[0]).size(0);
        }
        return n;
    }
}
