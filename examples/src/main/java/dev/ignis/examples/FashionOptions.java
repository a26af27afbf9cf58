package dev.ignis.examples;

import dev.ignis.spark.cli.CliErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

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

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    /**
     * Checks the shared options before any work: batch and threads at least 1, and a local --data
     * directory that exists and holds the four Fashion-MNIST files (other file systems are checked
     * when read, with the path named).
     *
     * @throws ParameterException naming the option and the value
     */
    void validate() {
        validateCounts();
        Path dir = data == null ? null : CliErrors.localPath(data);
        if (dir == null) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(command.commandLine(), "--data: no such directory: " + data);
        }
        List<String> missing = new ArrayList<>();
        for (String file : FashionMnist.FILES) {
            if (!Files.isReadable(dir.resolve(file))) {
                missing.add(file);
            }
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(command.commandLine(), "--data " + data + " lacks "
                    + String.join(", ", missing) + " (the Fashion-MNIST IDX files, gzipped)");
        }
    }

    /** Checks --batch and --threads only (for commands whose --data is not the IDX set). */
    void validateCounts() {
        CliErrors.atLeast(command, "--batch", batch, 1);
        CliErrors.atLeast(command, "--threads", threads, 1);
    }

    /** The data directory: --data, else the default. */
    String dataDir() {
        return data != null ? data : FashionMnist.defaultDir(System.getProperty("ignis.home", "."));
    }
}
