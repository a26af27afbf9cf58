package dev.ignis.examples;

import picocli.CommandLine.Option;

/** The options every Fashion-MNIST training command shares (a picocli mixin). */
final class FashionOptions {
    @Option(names = "--batch", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--data", description = "directory of the four Fashion-MNIST IDX files (default: "
            + FashionMnist.SYSTEM_DIR + " if installed, else the subset in " + FashionMnist.SUBSET_DIR + ")")
    String data;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--no-fuse", description = "keep BatchNorm2d, ReLU and MaxPool2d as separate layers (by default"
            + " Fusion.fuse runs them as one)")
    boolean noFuse;

    /** The data directory: --data, else the default. */
    String dataDir() {
        return data != null ? data : FashionMnist.defaultDir(System.getProperty("ignis.home", "."));
    }
}
