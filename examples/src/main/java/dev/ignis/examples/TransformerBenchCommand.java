package dev.ignis.examples;

import dev.ignis.autograd.Profiler;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.TransformerEncoder;
import dev.ignis.nn.TransformerEncoderLayer;
import dev.ignis.nn.TransformerLayerOptions;
import dev.ignis.optim.Adam;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ignis bench transformer}: a Transformer encoder stack's training step (forward, backward
 * of mean(y²), Adam), the counterpart of shared/bench/torch_transformer.py with the same defaults
 * (2 layers, d_model 256, 8 heads, ff 1024, batch 32, sequence 64, batch first, dropout 0).
 */
@Command(name = "transformer", description = "Transformer encoder training steps (fwd + bwd + Adam); prints one line"
        + " ending in tokens_per_s=N (median of 5 timed rounds after warm-up).")
final class TransformerBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads T (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda[:N], opencl, or auto (default ${DEFAULT-VALUE})")
    String deviceName;

    @Option(names = "--layers", defaultValue = "2", description = "encoder layers (default ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--d-model", defaultValue = "256", description = "model width (default ${DEFAULT-VALUE})")
    int dModel;

    @Option(names = "--nhead", defaultValue = "8", description = "attention heads (default ${DEFAULT-VALUE})")
    int nhead;

    @Option(names = "--ff", defaultValue = "1024", description = "feed-forward width (default ${DEFAULT-VALUE})")
    int ff;

    @Option(names = "--batch", defaultValue = "32", description = "sequences per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seq", defaultValue = "64", description = "sequence length (default ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--steps", defaultValue = "10", description = "steps per timed round (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--profile", description = "after the timed rounds, one more round under the op profiler; prints its table")
    boolean profile;

    @Override
    public void run() {
        CliErrors.atLeast(spec, "--threads", threads, 1);
        CliErrors.atLeast(spec, "--layers", layers, 1);
        CliErrors.atLeast(spec, "--d-model", dModel, 1);
        CliErrors.atLeast(spec, "--nhead", nhead, 1);
        CliErrors.atLeast(spec, "--ff", ff, 1);
        CliErrors.atLeast(spec, "--batch", batch, 1);
        CliErrors.atLeast(spec, "--seq", seq, 1);
        CliErrors.atLeast(spec, "--steps", steps, 1);
        Device device = CliErrors.device(spec, deviceName);
        IntraOpPool.setThreads(threads);
        Generator gen = new Generator(0);
        TransformerEncoder model = new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead,
                new TransformerLayerOptions().dimFeedforward(ff).dropout(0).batchFirst(true).generator(gen)), layers);
        model.to(device);
        Adam opt = new Adam(model.parameters(), new Adam.Options().lr(1e-4));
        Tensor x = Tensor.randn(gen, batch, seq, dModel).to(device);
        Runnable step = () -> {
            opt.zeroGrad();
            model.call(x).pow(2).mean().backward();
            opt.step();
        };
        // warm-up: at least 3 steps and 2 s, so that JIT compilation is not timed
        long warmupEnd = System.nanoTime() + 2_000_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < warmupEnd; i++) {
            step.run();
        }
        double[] rounds = new double[5];
        for (int r = 0; r < rounds.length; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            model.parameters().get(0).toFloatArray();   // waits for a device's queued work
            rounds[r] = (double) batch * seq * steps / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rounds);
        if (profile) {
            try (Profiler profiler = Profiler.start()) {
                for (int i = 0; i < steps; i++) {
                    step.run();
                }
                System.out.println(profiler.table());
            }
        }
        System.out.printf("ignis transformer layers=%d d_model=%d nhead=%d ff=%d batch=%d seq=%d threads=%d device=%s"
                + " rounds=%d median_of tokens_per_s=%.0f%n", layers, dModel, nhead, ff, batch, seq, threads, device,
                rounds.length, rounds[rounds.length / 2]);
    }
}
