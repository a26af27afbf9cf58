package dev.ignis.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A whole model in one directory (on any Hadoop file system), loaded back without the code that
 * built it:
 * <ul>
 *   <li>{@value #DESCRIPTION}: {@code {"format": "ignis.model/1", "architecture": <ModuleTree>,
 *       "metadata": {...}}}, the caller's metadata being e.g. class names and input normalisation;</li>
 *   <li>{@value #WEIGHTS}: the state dict under PyTorch's keys, which PyTorch's
 *       {@code safetensors.torch.load_file} reads into the same architecture built there.</li>
 * </ul>
 * The directory is written under a temporary name beside it and renamed when complete (an earlier
 * model there moved aside first and deleted last), so a failure leaves any earlier model in place
 * and never a half-written one under the name.
 */
public final class ModelDirectory {
    /** The file holding the architecture and metadata. */
    public static final String DESCRIPTION = "model.json";
    /** The file holding the weights. */
    public static final String WEIGHTS = "model.safetensors";
    static final String FORMAT = "ignis.model/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ModelDirectory() {
    }

    /** A model read back, and the metadata it was saved with. */
    public record Loaded(Module model, JsonNode metadata) {
    }

    /**
     * Saves {@code model}'s architecture, {@code metadata} and weights (copied to the CPU; the model
     * itself is not changed) into the directory {@code uri}, replacing what was there.
     *
     * @throws IllegalArgumentException before anything is written, when a module cannot be described
     * @throws UncheckedIOException naming the directory when writing fails
     */
    public static void save(Module model, String uri, Map<String, ?> metadata, Configuration conf) {
        ObjectNode description = JSON.createObjectNode();
        description.put("format", FORMAT);
        description.set("architecture", ModuleTree.describe(model));
        description.set("metadata", JSON.valueToTree(metadata));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> weights.put(k, v.to(Device.CPU)));
        Path target = new Path(uri);
        Path temporary = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            FileSystem fs = target.getFileSystem(conf);
            try {
                fs.mkdirs(temporary);
                try (OutputStream out = fs.create(new Path(temporary, DESCRIPTION), true)) {
                    JSON.writeValue(out, description);
                }
                Safetensors.save(weights, new Path(temporary, WEIGHTS).toString(), Map.of(), conf);
                // the earlier model steps aside, not deleted, until the new one has its name
                Path earlier = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".old");
                boolean replacing = fs.exists(target);
                if (replacing && !fs.rename(target, earlier)) {
                    throw new IOException("could not move the earlier model " + target + " aside");
                }
                if (!fs.rename(temporary, target)) {
                    if (replacing) {
                        fs.rename(earlier, target);
                    }
                    throw new IOException("could not rename " + temporary + " to " + target);
                }
                if (replacing) {
                    fs.delete(earlier, true);
                }
            } catch (IOException | RuntimeException e) {
                fs.delete(temporary, true);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("saving the model into " + uri + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the model saved in the directory {@code uri} and loads its weights (strictly: every key
     * of the architecture present, none extra).
     *
     * @throws IllegalArgumentException naming the file that is missing, malformed, or does not match
     */
    public static Loaded load(String uri, Configuration conf) {
        Path description = new Path(uri, DESCRIPTION);
        JsonNode root;
        try (InputStream in = description.getFileSystem(conf).open(description)) {
            root = JSON.readTree(in);
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(uri + " is not a saved model: it has no " + DESCRIPTION, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("reading " + description + " failed: " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(description + " is not an Ignis model description (\"format\" is not "
                    + FORMAT + ")");
        }
        Module model;
        try {
            model = ModuleTree.build(root.path("architecture"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(description + ": " + e.getMessage(), e);
        }
        String weights = new Path(uri, WEIGHTS).toString();
        try {
            model.loadStateDict(Safetensors.load(weights, conf));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(weights + " does not fit the architecture in " + description + ": "
                    + e.getMessage(), e);
        }
        return new Loaded(model, root.path("metadata"));
    }
}
