package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Convolution;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ignis bench conv}: one float32 conv2d layer's forward pass and backward pass (input and
 * weight gradients) through the public ops, timed separately. Defaults are the Fashion CNN's
 * second layer; compare paths by running it twice, e.g. with
 * {@code IGNIS_JAVA_OPTS=-Dignis.conv.winograd=false}.
 */
@Command(name = "conv", description = "conv2d forward and backward (input and weight gradients) on one layer; prints"
        + " one line with the medians forward_ms= and backward_ms= of the timed calls after a 1 s warm-up.")
final class ConvBenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch", defaultValue = "64", description = "samples N (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--in", defaultValue = "32", description = "input channels C (default ${DEFAULT-VALUE})")
    int inChannels;

    @Option(names = "--out", defaultValue = "64", description = "output channels O (default ${DEFAULT-VALUE})")
    int outChannels;

    @Option(names = "--size", defaultValue = "14", description = "input height and width (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--kernel", defaultValue = "3", description = "kernel size k, padding k/2 (default ${DEFAULT-VALUE})")
    int kernel;

    @Option(names = "--calls", defaultValue = "30", description = "timed calls (default ${DEFAULT-VALUE})")
    int calls;

    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads T (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public void run() {
        CliErrors.atLeast(spec, "--batch", batch, 1);
        CliErrors.atLeast(spec, "--in", inChannels, 1);
        CliErrors.atLeast(spec, "--out", outChannels, 1);
        CliErrors.atLeast(spec, "--size", size, 1);
        CliErrors.atLeast(spec, "--kernel", kernel, 1);
        CliErrors.atLeast(spec, "--calls", calls, 1);
        CliErrors.atLeast(spec, "--threads", threads, 1);
        IntraOpPool.setThreads(threads);
        Generator gen = new Generator(0);
        Tensor x = Tensor.randn(gen, batch, inChannels, size, size).requiresGrad(true);
        Tensor w = Tensor.randn(gen, outChannels, inChannels, kernel, kernel).requiresGrad(true);
        Tensor b = Tensor.randn(gen, outChannels).requiresGrad(true);
        int pad = kernel / 2;
        long warmupEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < warmupEnd; i++) {
            step(x, w, b, pad, null);
        }
        double[] forward = new double[calls];
        double[] backward = new double[calls];
        for (int i = 0; i < calls; i++) {
            double[] times = new double[2];
            step(x, w, b, pad, times);
            forward[i] = times[0];
            backward[i] = times[1];
        }
        Arrays.sort(forward);
        Arrays.sort(backward);
        System.out.printf("ignis conv batch=%d in=%d out=%d size=%d kernel=%d threads=%d calls=%d forward_ms=%.2f"
                + " backward_ms=%.2f%n", batch, inChannels, outChannels, size, kernel, threads, calls,
                forward[calls / 2], backward[calls / 2]);
    }

    /** One forward and backward; their milliseconds into {@code times} when it is not null. */
    private static void step(Tensor x, Tensor w, Tensor b, int pad, double[] times) {
        x.grad(null);
        w.grad(null);
        b.grad(null);
        long start = System.nanoTime();
        Tensor y = Convolution.conv2d(x, w, b, new int[] {1, 1}, new int[] {pad, pad}, new int[] {1, 1}, 1);
        long mid = System.nanoTime();
        // the gradient of y's sum is all ones, like a loss's
        y.sum().backward();
        long end = System.nanoTime();
        if (times != null) {
            times[0] = (mid - start) / 1e6;
            times[1] = (end - mid) / 1e6;
        }
    }
}
