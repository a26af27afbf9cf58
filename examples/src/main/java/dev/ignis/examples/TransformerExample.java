package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.examples.seq2seq.DigitSequences;
import dev.ignis.examples.seq2seq.Seq2SeqTransformer;
import dev.ignis.nn.F;
import dev.ignis.nn.Reduction;
import dev.ignis.optim.Adam;
import dev.ignis.optim.ClipGrad;
import dev.ignis.optim.lr.OneCycleLR;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ignis example transformer}: a small encoder-decoder {@link dev.ignis.nn.Transformer}
 * learns to reverse digit sequences of length 10–20. Training uses teacher forcing (the target
 * shifted right behind BOS, a causal mask, padding masks, cross-entropy ignoring PAD); evaluation
 * decodes greedily, token by token until EOS, and prints the share of held-out sequences
 * reproduced exactly.
 */
@Command(name = "transformer", description = "Seq2seq Transformer reversing digit sequences (length 10-20);"
        + " prints exact-sequence accuracy of greedy decoding on held-out sequences.")
final class TransformerExample implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "800", description = "training steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch-size", defaultValue = "64", description = "sequences per step (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--test-size", defaultValue = "1000", description = "held-out sequences (default ${DEFAULT-VALUE})")
    int testSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "OneCycleLR's max lr for Adam (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the data and the weights (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public void run() {
        CliErrors.atLeast(spec, "--steps", steps, 1);
        CliErrors.atLeast(spec, "--batch-size", batchSize, 1);
        CliErrors.atLeast(spec, "--test-size", testSize, 1);
        CliErrors.atLeast(spec, "--threads", threads, 1);
        IntraOpPool.setThreads(threads);
        Generator gen = new Generator(seed);
        DigitSequences task = new DigitSequences(10, 20);
        Seq2SeqTransformer model = new Seq2SeqTransformer(DigitSequences.VOCAB, DigitSequences.PAD, 64, 4, 2, 128,
                0.0, task.maxLength() + 2, gen);
        Adam opt = new Adam(model.parameters(), new Adam.Options().lr(lr));
        OneCycleLR schedule = new OneCycleLR(opt, lr, new OneCycleLR.Options().totalSteps(steps));
        List<long[]> test = task.sample(testSize, new Generator(seed + 1_000_003));
        long start = System.nanoTime();
        double lossSum = 0;
        for (int step = 1; step <= steps; step++) {
            List<long[]> src = task.sample(batchSize, gen);
            List<long[]> answers = src.stream().map(DigitSequences::reversed).toList();
            Tensor srcTokens = DigitSequences.batch(src, -1, -1);
            Tensor tgtIn = DigitSequences.batch(answers, DigitSequences.BOS, -1);
            Tensor tgtOut = DigitSequences.batch(answers, -1, DigitSequences.EOS);
            opt.zeroGrad();
            Tensor logits = model.forward(srcTokens, tgtIn);
            Tensor loss = F.crossEntropy(logits.reshape(-1, DigitSequences.VOCAB), tgtOut.reshape(-1), null,
                    DigitSequences.PAD, Reduction.MEAN, 0.0);
            loss.backward();
            ClipGrad.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            schedule.step();
            lossSum += loss.item();
            if (step % 100 == 0 || step == steps) {
                System.out.printf("step %d/%d  loss %.4f  (%.0f s)%n", step, steps, lossSum / (step % 100 == 0 ? 100
                        : step % 100), (System.nanoTime() - start) / 1e9);
                lossSum = 0;
            }
        }
        double accuracy = exactAccuracy(model, test, task.maxLength() + 1);
        System.out.printf("exact-sequence accuracy on %d held-out sequences: %.4f (trained %d steps in %.0f s)%n",
                test.size(), accuracy, steps, (System.nanoTime() - start) / 1e9);
    }

    /** The share of {@code sources} whose greedy decoding is exactly their reverse followed by EOS. */
    static double exactAccuracy(Seq2SeqTransformer model, List<long[]> sources, int maxSteps) {
        model.eval();
        int correct = 0;
        try (var ignored = GradMode.noGrad()) {
            for (int from = 0; from < sources.size(); from += 250) {
                List<long[]> chunk = sources.subList(from, Math.min(sources.size(), from + 250));
                long[][] decoded = greedy(model, chunk, maxSteps);
                for (int i = 0; i < chunk.size(); i++) {
                    if (Arrays.equals(decoded[i], DigitSequences.reversed(chunk.get(i)))) {
                        correct++;
                    }
                }
            }
        }
        model.train();
        return (double) correct / sources.size();
    }

    /** Each source decoded from BOS by taking the most likely next token until EOS (or maxSteps tokens). */
    static long[][] greedy(Seq2SeqTransformer model, List<long[]> sources, int maxSteps) {
        Tensor src = DigitSequences.batch(sources, -1, -1);
        Tensor memory = model.encode(src);
        int n = sources.size();
        List<List<Long>> out = new ArrayList<>();
        boolean[] done = new boolean[n];
        Tensor ys = Tensor.full(DigitSequences.BOS, dev.ignis.tensor.DType.INT64, dev.ignis.tensor.Device.CPU, n, 1);
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        for (int t = 0; t < maxSteps; t++) {
            Tensor logits = model.decode(ys, memory, src);
            long[] next = logits.select(1, t).argmax(1, false).toLongArray();
            boolean all = true;
            for (int i = 0; i < n; i++) {
                if (!done[i]) {
                    if (next[i] == DigitSequences.EOS) {
                        done[i] = true;
                    } else {
                        out.get(i).add(next[i]);
                    }
                }
                all &= done[i];
            }
            if (all) {
                break;
            }
            ys = Tensor.cat(List.of(ys, Tensor.fromArray(next, n, 1)), 1);
        }
        long[][] result = new long[n][];
        for (int i = 0; i < n; i++) {
            result[i] = out.get(i).stream().mapToLong(Long::longValue).toArray();
        }
        return result;
    }
}
