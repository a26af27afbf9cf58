package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.data.Idx;
import dev.ignis.nn.F;
import dev.ignis.nn.Module;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.io.File;

/** Fashion-MNIST from IDX files, normalised as shared/bench/torch_fashion.py does ((x/255 − 0.2860)/0.3530). */
record FashionMnist(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY) {
    static final String SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";
    static final String SUBSET_DIR = "data/fashion-mnist-subset";

    /** The full set from Debian's dataset-fashion-mnist when installed, else the subset shipped in the repository. */
    static String defaultDir(String repoRoot) {
        return new File(SYSTEM_DIR, "train-images-idx3-ubyte.gz").exists() ? SYSTEM_DIR
                : new File(repoRoot, SUBSET_DIR).getPath();
    }

    static FashionMnist load(String dir) {
        Tensor trainX = Idx.readFloats(dir + "/train-images-idx3-ubyte.gz", 0.2860f, 0.3530f);
        Tensor testX = Idx.readFloats(dir + "/t10k-images-idx3-ubyte.gz", 0.2860f, 0.3530f);
        return new FashionMnist(trainX.unsqueeze(1), Idx.readLongs(dir + "/train-labels-idx1-ubyte.gz"),
                testX.unsqueeze(1), Idx.readLongs(dir + "/t10k-labels-idx1-ubyte.gz"));
    }

    /** {accuracy, mean cross-entropy} of {@code net} on the test set, in eval mode, without grad. */
    double[] evaluate(Module net) {
        net.eval();
        long correct = 0;
        double lossSum = 0;
        int m = testX.size(0);
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < m; i += 1000) {
                int len = Math.min(1000, m - i);
                Tensor logits = net.call(testX.narrow(0, i, len));
                Tensor y = testY.narrow(0, i, len);
                lossSum += F.crossEntropy(logits, y).item() * len;
                correct += (long) logits.argmax(1, false).eq(y).to(DType.FLOAT32).sum().item();
            }
        }
        return new double[] {(double) correct / m, lossSum / m};
    }
}
