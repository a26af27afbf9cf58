package dev.ignis.examples;

import dev.ignis.data.Idx;
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
}
