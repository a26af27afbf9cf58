package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.data.Idx;
import dev.ignis.nn.F;
import dev.ignis.nn.Module;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.io.File;
import java.util.List;

/** Fashion-MNIST from IDX files, normalised as shared/bench/torch_fashion.py does ((x/255 − 0.2860)/0.3530). */
record FashionMnist(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY) {
    static final String SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";
    static final String SUBSET_DIR = "data/fashion-mnist-subset";
    /** The ten classes, by label (the dataset's own names). */
    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The full set from Debian's dataset-fashion-mnist when installed, else the subset shipped in the repository. */
    static String defaultDir(String repoRoot) {
        return new File(SYSTEM_DIR, "train-images-idx3-ubyte.gz").exists() ? SYSTEM_DIR
                : new File(repoRoot, SUBSET_DIR).getPath();
    }

    /** The four files a Fashion-MNIST directory holds: train images and labels, test images and labels. */
    static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    static FashionMnist load(String dir) {
        return load(dir, 0.2860f, 0.3530f);
    }

    /** The four files of {@code dir}, the images normalised as (x/255 − mean)/std. */
    static FashionMnist load(String dir, float mean, float std) {
        Tensor trainX = Idx.readFloats(dir + "/" + FILES.get(0), mean, std);
        Tensor trainY = labels(dir, FILES.get(1), trainX, FILES.get(0));
        Tensor testX = Idx.readFloats(dir + "/" + FILES.get(2), mean, std);
        Tensor testY = labels(dir, FILES.get(3), testX, FILES.get(2));
        return new FashionMnist(trainX.unsqueeze(1), trainY, testX.unsqueeze(1), testY);
    }

    /** The labels in {@code file}, one per image of {@code images} (from {@code imageFile}); else an error naming both. */
    private static Tensor labels(String dir, String file, Tensor images, String imageFile) {
        Tensor labels = Idx.readLongs(dir + "/" + file);
        if (labels.dim() != 1 || labels.size(0) != images.size(0)) {
            throw new IllegalArgumentException(dir + "/" + imageFile + " holds " + images.size(0) + " images but "
                    + dir + "/" + file + " holds " + (labels.dim() == 1 ? labels.size(0) + " labels"
                    : "labels of shape " + java.util.Arrays.toString(labels.shape())));
        }
        return labels;
    }

    /** {accuracy, mean cross-entropy} of {@code net} on the test set, in eval mode, without grad. */
    double[] evaluate(Module net) {
        return evaluate(net, dev.ignis.tensor.Device.CPU);
    }

    /** {accuracy, mean cross-entropy} of {@code net} (on {@code device}) on the test set, in eval mode. */
    double[] evaluate(Module net, dev.ignis.tensor.Device device) {
        long[] correct = {0};
        double loss = overTestSet(net, device, 1000, (logits, y) ->
                correct[0] += (long) logits.argmax(1, false).eq(y).to(DType.FLOAT32).sum().item());
        return new double[] {(double) correct[0] / testY.size(0), loss};
    }

    /**
     * Runs {@code net} in eval mode, without grad, on {@code device} over the test set in batches of
     * at most {@code batch}, in order, handing each batch's logits and labels to {@code sink};
     * returns the mean cross-entropy over the set.
     */
    double overTestSet(Module net, dev.ignis.tensor.Device device, int batch,
                       java.util.function.BiConsumer<Tensor, Tensor> sink) {
        net.eval();
        double lossSum = 0;
        int m = testX.size(0);
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < m; i += batch) {
                int len = Math.min(batch, m - i);
                Tensor logits = net.call(testX.narrow(0, i, len).to(device));
                Tensor y = testY.narrow(0, i, len).to(device);
                lossSum += F.crossEntropy(logits, y).item() * len;
                sink.accept(logits, y);
            }
        }
        return lossSum / m;
    }
}
