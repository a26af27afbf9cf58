package dev.ignis.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.nn.Fusion;
import dev.ignis.nn.ModelDirectory;
import dev.ignis.nn.Module;
import dev.ignis.data.vision.Image;
import dev.ignis.data.vision.Transforms;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A model directory written by {@code ignis train --output} (TrainJob; {@link ModelDirectory}),
 * read back: the network rebuilt from its description alone with its weights, its class names, the
 * input shape and the per-channel normalisation it was trained with.
 *
 * @param model      the network, weights loaded, in eval mode, fused unless asked not to
 * @param classes    class names by label
 * @param inputShape one sample's shape, [C, H, W]
 * @param mean       the normalisation's mean per channel, (x − mean) / std (0 where none was saved)
 * @param std        the normalisation's standard deviation per channel (1 where none was saved)
 */
record SavedModel(Module model, List<String> classes, int[] inputShape, double[] mean, double[] std) {

    /**
     * Reads the model directory {@code dir} (any Hadoop path) for the command {@code spec}.
     *
     * @throws ParameterException naming {@code option} and the directory when it holds no model, or
     *                            one without its class names and input shape
     */
    static SavedModel read(String dir, boolean fuse, CommandSpec spec, String option) {
        if (dir == null) {
            throw userError(spec, option + " is required (the directory 'ignis train --output DIR' wrote, DIR/model)");
        }
        ModelDirectory.Loaded loaded;
        try {
            loaded = ModelDirectory.load(dir, new Configuration());
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw userError(spec, option + " " + dir + ": " + e.getMessage());
        }
        JsonNode meta = loaded.metadata();
        if (!meta.path("classes").isArray() || !meta.path("input_shape").isArray()) {
            throw userError(spec, option + " " + dir + ": its model.json metadata lacks \"classes\" or"
                    + " \"input_shape\"; was it written by 'ignis train --output'?");
        }
        List<String> classes = new ArrayList<>();
        meta.path("classes").forEach(c -> classes.add(c.asText()));
        int[] shape = ints(meta.path("input_shape"));
        double[] mean = new double[shape[0]];
        double[] std = new double[shape[0]];
        java.util.Arrays.fill(std, 1);
        JsonNode normalize = meta.path("normalize");
        if (normalize.isObject()) {
            mean = doubles(normalize.path("mean"));
            std = doubles(normalize.path("std"));
        }
        Module net = loaded.model();
        if (fuse) {
            Fusion.fuse(net);
        }
        net.eval();
        return new SavedModel(net, classes, shape, mean, std);
    }

    /** How images are decoded for this model: "L" (grayscale) for one input channel, else "RGB". */
    String imageMode() {
        return inputShape[0] == 1 ? "L" : "RGB";
    }

    /**
     * A decoded image (in {@link #imageMode()}) as this model's input [C, H, W]: ToTensor, resized to
     * H x W where it differs, then normalised with the training data's mean and std.
     */
    Function<Image, Tensor> imageTransform() {
        return image -> {
            Tensor x = Transforms.toTensor().apply(image);
            if (image.height() != inputShape[1] || image.width() != inputShape[2]) {
                x = Transforms.resize(inputShape[1], inputShape[2]).apply(x);
            }
            return Transforms.normalize(mean, std).apply(x);
        };
    }

    private static ParameterException userError(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
