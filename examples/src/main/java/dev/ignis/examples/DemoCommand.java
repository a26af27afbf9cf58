package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ignis demo}: trains a two-layer MLP on the classic three-arm spiral with nothing but
 * tensors and autograd (plain SGD written with in-place ops), printing loss and accuracy per
 * epoch. It shows the programming model until the nn/optim modules land.
 */
@Command(name = "demo", description = "Train a small MLP on a synthetic spiral with tensors and autograd.")
final class DemoCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--epochs", defaultValue = "500", description = "full-batch steps (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--hidden", defaultValue = "64", description = "hidden units (default ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--lr", defaultValue = "0.5", description = "learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public void run() {
        CliErrors.atLeast(spec, "--epochs", epochs, 1);
        CliErrors.atLeast(spec, "--hidden", hidden, 1);
        if (!(lr > 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--lr must be positive, got " + lr);
        }
        int perClass = 100;
        int classes = 3;
        Generator gen = new Generator(seed);
        Tensor[] data = spiral(perClass, classes, gen);
        Tensor x = data[0];
        Tensor y = data[1];
        int n = perClass * classes;

        // Kaiming-uniform-like init, as nn.Linear does: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        Tensor w1 = Tensor.rand(gen, 2, hidden).sub(0.5).mul(2 / Math.sqrt(2)).requiresGrad(true);
        Tensor b1 = Tensor.zeros(hidden).requiresGrad(true);
        Tensor w2 = Tensor.rand(gen, hidden, classes).sub(0.5).mul(2 / Math.sqrt(hidden)).requiresGrad(true);
        Tensor b2 = Tensor.zeros(classes).requiresGrad(true);
        List<Tensor> params = List.of(w1, b1, w2, b2);

        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Tensor logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
            // cross entropy = mean(−log softmax(logits)[i, y_i])
            Tensor loss = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
            for (Tensor p : params) {
                p.grad(null);
            }
            loss.backward();
            try (var ignored = GradMode.noGrad()) {
                for (Tensor p : params) {
                    p.add_(p.grad(), -lr);
                }
            }
            if (epoch == 1 || epoch % 50 == 0 || epoch == epochs) {
                double accuracy = logits.argmax(1, false).eq(y).to(dev.ignis.tensor.DType.FLOAT32).mean().item();
                System.out.printf("epoch %4d/%d  loss %.4f  train accuracy %.3f  (%.1f s)%n", epoch, epochs, loss.item(),
                        accuracy, (System.nanoTime() - start) / 1e9);
            }
        }
        System.out.println("done: " + n + " points, " + classes + " classes, MLP 2-" + hidden + "-" + classes);
    }

    /** Points on {@code classes} interleaved spiral arms with Gaussian noise: x [n, 2] float32, y [n] int64. */
    static Tensor[] spiral(int perClass, int classes, Generator gen) {
        float[] xs = new float[perClass * classes * 2];
        long[] ys = new long[perClass * classes];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                int k = c * perClass + i;
                double r = (double) i / perClass;
                double t = c * 4 + 4 * r + gen.nextGaussian() * 0.2;
                xs[2 * k] = (float) (r * Math.sin(t));
                xs[2 * k + 1] = (float) (r * Math.cos(t));
                ys[k] = c;
            }
        }
        return new Tensor[] {Tensor.fromArray(xs, perClass * classes, 2), Tensor.fromArray(ys)};
    }
}
