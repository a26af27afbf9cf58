package dev.ignis.examples;

import dev.ignis.nn.Fusion;
import dev.ignis.nn.Module;
import dev.ignis.nn.Safetensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A model file written by {@code ignis train --save}, read back: the architecture its metadata
 * names ({@link #MODEL_KEY}), rebuilt and loaded with its weights, its class names and the input
 * normalisation it was trained with.
 *
 * @param kind      one of {@link FashionModels#KINDS}
 * @param model     the network, weights loaded, in eval mode, fused unless asked not to
 * @param classes   class names by label
 * @param mean      the normalisation's mean (x - mean) / std, one value for the gray channel
 * @param std       the normalisation's standard deviation
 */
record SavedModel(String kind, Module model, List<String> classes, double mean, double std) {
    static final String MODEL_KEY = "ignis.model";
    static final String CLASSES_KEY = "ignis.classes";
    static final String NORMALIZE_KEY = "ignis.normalize";
    /** Fashion-MNIST's normalisation ({@link FashionMnist}), as {@link #NORMALIZE_KEY} states it. */
    private static final String FASHION_NORMALIZATION = "mean=0.2860,std=0.3530";

    /** The metadata {@code ignis train --save} writes beside the weights of a {@code kind} model. */
    static Map<String, String> metadata(String kind) {
        return Map.of(MODEL_KEY, kind, CLASSES_KEY, String.join(",", FashionMnist.CLASSES), NORMALIZE_KEY,
                FASHION_NORMALIZATION);
    }

    /**
     * Reads {@code file} (any Hadoop path) for the command {@code spec}.
     *
     * @throws ParameterException naming {@code option} and the file when its metadata names no
     *                            architecture this program knows, or lacks the normalisation
     */
    static SavedModel read(String file, boolean fuse, CommandSpec spec, String option) {
        Configuration conf = new Configuration();
        Map<String, String> meta = Safetensors.metadata(file, conf);
        String kind = meta.get(MODEL_KEY);
        if (kind == null || !FashionModels.KINDS.contains(kind)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": its metadata "
                    + (kind == null ? "names no model (" + MODEL_KEY + "); was it written by 'ignis train --save'?"
                    : "names model '" + kind + "', not one of " + String.join(", ", FashionModels.KINDS)));
        }
        Module net = FashionModels.create(kind);
        net.loadStateDict(Safetensors.load(file, conf), true);
        if (fuse) {
            Fusion.fuse(net);
        }
        net.eval();
        List<String> classes = meta.containsKey(CLASSES_KEY) ? Arrays.asList(meta.get(CLASSES_KEY).split(","))
                : FashionMnist.CLASSES;
        double[] norm = normalization(meta.getOrDefault(NORMALIZE_KEY, FASHION_NORMALIZATION), file, spec, option);
        return new SavedModel(kind, net, classes, norm[0], norm[1]);
    }

    private static double[] normalization(String text, String file, CommandSpec spec, String option) {
        double mean = Double.NaN;
        double std = Double.NaN;
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            try {
                if (kv[0].equals("mean")) {
                    mean = Double.parseDouble(kv[1]);
                } else if (kv[0].equals("std")) {
                    std = Double.parseDouble(kv[1]);
                }
            } catch (RuntimeException e) {
                mean = Double.NaN;
            }
        }
        if (Double.isNaN(mean) || !(std > 0)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": metadata " + NORMALIZE_KEY
                    + " '" + text + "' is not 'mean=M,std=S' with S > 0");
        }
        return new double[] {mean, std};
    }
}
