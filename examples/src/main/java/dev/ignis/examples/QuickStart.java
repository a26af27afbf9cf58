package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.data.DataLoader;
import dev.ignis.data.Idx;
import dev.ignis.data.TensorDataset;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.F;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Linear;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Safetensors;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.SGD;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ignis example quickstart}: the README's Java example — a small CNN trained on the bundled
 * Fashion-MNIST subset with a DataLoader and SGD, PyTorch's training loop written in Java, saved as
 * safetensors, then its accuracy on the subset's 1,000 test images.
 */
@Command(name = "quickstart", description = "The README's Java example: a CNN on the Fashion-MNIST subset.")
final class QuickStart implements Runnable {
    @Option(names = "--data", defaultValue = "data/fashion-mnist-subset", description = "an IDX Fashion-MNIST"
            + " folder (default ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--output", defaultValue = "runs/quickstart.safetensors", description = "where the weights go"
            + " (default ${DEFAULT-VALUE})")
    String output;

    @Override
    public void run() {
        Module net = train(data, output);
        Tensor x = Idx.readFloats(data + "/t10k-images-idx3-ubyte.gz", 0.2860f, 0.3530f).unsqueeze(1);
        Tensor y = Idx.readLongs(data + "/t10k-labels-idx1-ubyte.gz");
        net.eval();
        try (var ignored = GradMode.noGrad()) {
            double accuracy = net.call(x).argmax(1, false).eq(y).to(dev.ignis.tensor.DType.FLOAT32).mean().item();
            System.out.printf(Locale.ROOT, "quickstart test_acc=%.4f samples=%d weights=%s%n", accuracy, y.size(0),
                    output);
        }
    }

    /** The README's lines: 3 epochs of SGD with momentum over the training images, batches of 64. */
    static Module train(String data, String output) {
        // readme:start
        Tensor images = Idx.readFloats(data + "/train-images-idx3-ubyte.gz", 0.2860f, 0.3530f).unsqueeze(1);
        Tensor labels = Idx.readLongs(data + "/train-labels-idx1-ubyte.gz");
        Module net = new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(16 * 14 * 14, 10));
        SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.05).momentum(0.9));
        DataLoader<Object> loader = DataLoader.of(new TensorDataset(images, labels)).batchSize(64).shuffle(true)
                .generator(new Generator(0)).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            for (Object batch : loader) {                  // [images, labels]: PyTorch's default collate
                Object[] xy = (Object[]) batch;
                opt.zeroGrad();
                F.crossEntropy(net.call((Tensor) xy[0]), (Tensor) xy[1]).backward();
                opt.step();
            }
        }
        Safetensors.save(net.stateDict(), output);         // safetensors.torch.load_file reads it
        // readme:end
        return net;
    }
}
