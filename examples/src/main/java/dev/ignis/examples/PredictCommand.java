package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.data.vision.Image;
import dev.ignis.data.vision.ImageDecoder;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Tensor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ignis predict}: classifies image files with a model {@code ignis train --output} wrote.
 * Each image is decoded as grayscale or RGB (the model's channels), scaled to [0, 1], resized to
 * the model's input size where it differs, normalised as in training (from the model's metadata),
 * and printed as one line: its path, the most probable class and that probability (softmax of the
 * logits), then the next {@code --top - 1} classes.
 */
@Command(name = "predict", description = "Classify PNG/PGM images with a model saved by 'ignis train --output': one"
        + " line per image with the most probable classes.")
final class PredictCommand implements Runnable {
    @Option(names = "--model", defaultValue = "${sys:ignis.model}", description = "the model directory 'ignis train"
            + " --output DIR' wrote, DIR/model (default: bin/ignis train's, ${DEFAULT-VALUE})")
    String modelDir;

    @Option(names = "--top", defaultValue = "1", description = "classes to print per image (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (default ${DEFAULT-VALUE})")
    int threads;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files (PNG, PGM), or folders whose"
            + " visible files are all taken, in name order")
    List<File> images;

    @Spec
    CommandSpec spec;

    /** The files to classify: each file argument, and each folder's visible regular files in name order. */
    private List<File> files() {
        List<File> out = new ArrayList<>();
        for (File f : images) {
            if (f.isDirectory()) {
                // hidden files (a checksum beside a model, .DS_Store) are not images
                File[] inside = f.listFiles(g -> g.isFile() && !g.getName().startsWith("."));
                Arrays.sort(inside);
                out.addAll(Arrays.asList(inside));
            } else if (f.isFile()) {
                out.add(f);
            } else {
                throw new ParameterException(spec.commandLine(), "IMAGE " + f + ": no such file or folder");
            }
        }
        return out;
    }

    /** The image as the model's input [C, H, W], normalised as the model was trained. */
    private Tensor input(File file, SavedModel saved) {
        Image image;
        try {
            image = ImageDecoder.decode(Files.readAllBytes(file.toPath()), saved.imageMode());
        } catch (IOException | RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "IMAGE " + file + ": not an image this program decodes ("
                    + e.getMessage() + ")");
        }
        return saved.imageTransform().apply(image);
    }

    @Override
    public void run() {
        CliErrors.atLeast(spec, "--top", top, 1);
        CliErrors.atLeast(spec, "--threads", threads, 1);
        IntraOpPool.setThreads(threads);
        SavedModel saved = SavedModel.read(modelDir, true, spec, "--model");
        int shown = Math.min(top, saved.classes().size());
        for (File file : files()) {
            double[] p;
            try (var ignored = GradMode.noGrad()) {
                p = saved.model().call(input(file, saved).unsqueeze(0)).softmax(1).toDoubleArray();
            }
            Integer[] order = new Integer[p.length];
            for (int c = 0; c < p.length; c++) {
                order[c] = c;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            StringBuilder line = new StringBuilder(file.getPath());
            for (int k = 0; k < shown; k++) {
                line.append(String.format(Locale.ROOT, "\t%s %.4f", saved.classes().get(order[k]), p[order[k]]));
            }
            System.out.println(line);
        }
    }
}
