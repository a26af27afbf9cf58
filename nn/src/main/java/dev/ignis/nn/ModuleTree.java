package dev.ignis.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ignis.tensor.Generator;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A model's architecture as JSON, and the model rebuilt from it without the code that built it:
 * the structure half of {@link ModelDirectory} (the weights are the state dict). Each module is
 * one object:
 * <ul>
 *   <li>{@code {"type": "Linear", "arguments": {"in_features": 784, "out_features": 256, "bias": true}}}
 *       for the built-in layers with constructor arguments ({@link Module#arguments}, PyTorch's
 *       argument names);</li>
 *   <li>{@code {"type": "Sequential", "children": [...]}}, children in order;</li>
 *   <li>{@code {"type": "ReLU"}} for the built-in layers without arguments;</li>
 *   <li>{@code {"class": "com.acme.MyNet"}} for any other module, rebuilt by its class's public
 *       no-arg constructor (the class must be on the class path when loading).</li>
 * </ul>
 * A built-in module this tree cannot rebuild exactly (a fused block, a Transformer layer) is refused
 * when described, naming it, so a description never loads as a different model.
 */
public final class ModuleTree {
    /** Arguments written in key order, so a description reads the same from run to run. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** The built-in layers without constructor arguments, rebuilt by their no-arg constructors. */
    private static final Set<String> WITHOUT_ARGUMENTS = Set.of("ReLU", "Identity", "Tanh", "Sigmoid", "SiLU");

    /** How each built-in layer with arguments is rebuilt from them (the inverse of its {@code arguments()}). */
    private static final Map<String, Function<Arguments, Module>> BUILDERS = Map.ofEntries(
            Map.entry("Linear", a -> new Linear(a.integer("in_features"), a.integer("out_features"), a.bool("bias"),
                    Generator.getDefault())),
            Map.entry("Conv2d", ModuleTree::conv2d),
            Map.entry("BatchNorm1d", a -> new BatchNorm1d(a.integer("num_features"), a.real("eps"),
                    a.realOrNaN("momentum"), a.bool("affine"), a.bool("track_running_stats"))),
            Map.entry("BatchNorm2d", a -> new BatchNorm2d(a.integer("num_features"), a.real("eps"),
                    a.realOrNaN("momentum"), a.bool("affine"), a.bool("track_running_stats"))),
            Map.entry("Flatten", a -> new Flatten(a.integer("start_dim"), a.integer("end_dim"))),
            Map.entry("Dropout", a -> new Dropout(a.real("p"))),
            Map.entry("MaxPool2d", a -> new MaxPool2d(a.ints("kernel_size"), a.ints("stride"), a.ints("padding"),
                    a.ints("dilation"))),
            Map.entry("AvgPool2d", a -> new AvgPool2d(a.ints("kernel_size"), a.ints("stride"), a.ints("padding"))),
            Map.entry("GELU", a -> new GELU(a.string("approximate"))),
            Map.entry("LeakyReLU", a -> new LeakyReLU(a.real("negative_slope"))),
            Map.entry("Softmax", a -> new Softmax(a.integer("dim"))),
            Map.entry("LogSoftmax", a -> new LogSoftmax(a.integer("dim"))),
            Map.entry("LayerNorm", a -> new LayerNorm(a.ints("normalized_shape"), a.real("eps"),
                    a.bool("elementwise_affine"), a.bool("bias"))),
            Map.entry("Embedding", a -> new Embedding(a.integer("num_embeddings"), a.integer("embedding_dim"),
                    a.integer("padding_idx"), Generator.getDefault())),
            Map.entry("Sequential", a -> new Sequential()));

    private ModuleTree() {
    }

    /**
     * The description of {@code model} and everything under it.
     *
     * @throws IllegalArgumentException naming the module (by its path) that cannot be described
     */
    public static ObjectNode describe(Module model) {
        return describe(model, "model");
    }

    private static ObjectNode describe(Module m, String path) {
        ObjectNode node = JSON.createObjectNode();
        Class<?> cls = m.getClass();
        String type = cls.getSimpleName();
        if (!cls.getPackageName().equals(ModuleTree.class.getPackageName())) {
            checkNoArgConstructor(cls, path);
            return node.put("class", cls.getName());
        }
        Map<String, Object> arguments = m.arguments();
        if (arguments == null && WITHOUT_ARGUMENTS.contains(type)) {
            return node.put("type", type);
        }
        if (arguments == null || !BUILDERS.containsKey(type)) {
            throw new IllegalArgumentException("ModuleTree: cannot describe " + path + " (" + type + "); it describes "
                    + String.join(", ", new TreeSet<>(BUILDERS.keySet())) + ", " + String.join(", ",
                    new TreeSet<>(WITHOUT_ARGUMENTS)) + " and modules of other packages with a public no-arg"
                    + " constructor" + (m instanceof BatchNormReluMaxPool2d ? "; describe the model before Fusion.fuse"
                    : ""));
        }
        node.put("type", type);
        if (m instanceof Sequential) {
            ArrayNode children = node.putArray("children");
            m.namedChildren().forEach((name, child) -> children.add(describe(child, path + "." + name)));
        } else {
            node.set("arguments", JSON.valueToTree(arguments));
        }
        return node;
    }

    private static void checkNoArgConstructor(Class<?> cls, String path) {
        try {
            cls.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("ModuleTree: " + path + " (" + cls.getName() + ") is rebuilt by its"
                    + " class name and needs a public no-arg constructor");
        }
    }

    /**
     * The module a description names, freshly initialised (load its weights next).
     *
     * @throws IllegalArgumentException naming the node (by its path) that is malformed, unknown, or
     *         whose class cannot be loaded or constructed
     */
    public static Module build(JsonNode node) {
        return build(node, "model");
    }

    private static Module build(JsonNode node, String path) {
        if (node.hasNonNull("class")) {
            return construct(node.get("class").asText(), path);
        }
        String type = node.path("type").asText(null);
        if (type == null) {
            throw new IllegalArgumentException("ModuleTree: " + path + " has neither \"type\" nor \"class\": " + node);
        }
        if (WITHOUT_ARGUMENTS.contains(type)) {
            return construct(ModuleTree.class.getPackageName() + "." + type, path);
        }
        Function<Arguments, Module> builder = BUILDERS.get(type);
        if (builder == null) {
            throw new IllegalArgumentException("ModuleTree: " + path + " has unknown type '" + type + "'");
        }
        Module m = builder.apply(new Arguments(node.path("arguments"), path + " (" + type + ")"));
        if (m instanceof Sequential seq) {
            int i = 0;
            for (JsonNode child : node.path("children")) {
                seq.append(build(child, path + "." + i++));
            }
        }
        return m;
    }

    private static Module construct(String className, String path) {
        try {
            Class<?> cls = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            if (!Module.class.isAssignableFrom(cls)) {
                throw new IllegalArgumentException("ModuleTree: " + path + ": " + className + " is not a Module");
            }
            Constructor<?> ctor = cls.getConstructor();
            return (Module) ctor.newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("ModuleTree: " + path + ": class " + className + " is not on the class"
                    + " path", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("ModuleTree: " + path + ": cannot construct " + className + " with its"
                    + " public no-arg constructor: " + e, e);
        }
    }

    /** Conv2d from its arguments; padding is either per-dimension ints or "same". */
    private static Module conv2d(Arguments a) {
        int in = a.integer("in_channels");
        int out = a.integer("out_channels");
        if (a.node.path("padding").isTextual()) {
            return Conv2d.same(in, out, a.ints("kernel_size"), a.ints("dilation"), a.integer("groups"), a.bool("bias"),
                    Generator.getDefault());
        }
        return new Conv2d(in, out, a.ints("kernel_size"), a.ints("stride"), a.ints("padding"), a.ints("dilation"),
                a.integer("groups"), a.bool("bias"), Generator.getDefault());
    }

    /** A node's arguments, read by name and type; a missing or mistyped one is named with the node. */
    private record Arguments(JsonNode node, String where) {
        JsonNode required(String key, boolean ok) {
            JsonNode v = node.get(key);
            if (v == null || !ok) {
                throw new IllegalArgumentException("ModuleTree: " + where + ": argument '" + key + "' is "
                        + (v == null ? "missing" : "of the wrong type: " + v));
            }
            return v;
        }

        int integer(String key) {
            return required(key, node.path(key).canConvertToInt() && node.path(key).isIntegralNumber()).asInt();
        }

        double real(String key) {
            return required(key, node.path(key).isNumber()).asDouble();
        }

        /** A real, or NaN where the value is null (PyTorch's None). */
        double realOrNaN(String key) {
            return node.path(key).isNull() ? Double.NaN : real(key);
        }

        boolean bool(String key) {
            return required(key, node.path(key).isBoolean()).asBoolean();
        }

        String string(String key) {
            return required(key, node.path(key).isTextual()).asText();
        }

        int[] ints(String key) {
            JsonNode v = required(key, node.path(key).isArray());
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                if (!v.get(i).isIntegralNumber()) {
                    required(key, false);
                }
                out[i] = v.get(i).asInt();
            }
            return out;
        }
    }
}
