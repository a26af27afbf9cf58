package dev.ignis.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The ops known to this JVM, by name. {@link #global()} starts with every {@link OpLibrary} found
 * by ServiceLoader; {@link #register} adds more at run time (a notebook, a test).
 */
public final class OpRegistry {
    private static volatile OpRegistry global;

    private final Map<String, OpDefinition> ops = new ConcurrentSkipListMap<>();

    /** An empty registry (tests; most code uses {@link #global()}). */
    public OpRegistry() {
    }

    /** The process-wide registry, loaded from the OpLibrary services on first use. */
    public static OpRegistry global() {
        OpRegistry r = global;
        if (r == null) {
            synchronized (OpRegistry.class) {
                if (global == null) {
                    OpRegistry loaded = new OpRegistry();
                    for (OpLibrary library : ServiceLoader.load(OpLibrary.class)) {
                        library.registerOps(loaded);
                    }
                    global = loaded;
                }
                r = global;
            }
        }
        return r;
    }

    /**
     * @throws IllegalArgumentException when an op of that name is already registered
     */
    public void register(OpDefinition op) {
        OpDefinition previous = ops.putIfAbsent(op.name(), op);
        if (previous != null && previous != op) {
            throw new IllegalArgumentException("op '" + op.name() + "' is already registered (" + previous + ")");
        }
    }

    /** Whether an op of that name is registered. */
    public boolean contains(String name) {
        return ops.containsKey(name);
    }

    /**
     * @throws IllegalArgumentException naming the registered ops when {@code name} is unknown
     */
    public OpDefinition get(String name) {
        OpDefinition op = ops.get(name);
        if (op == null) {
            throw new IllegalArgumentException("unknown op '" + name + "' (registered: " + String.join(", ", ops.keySet())
                    + ")");
        }
        return op;
    }

    /** Every registered op, sorted by name. */
    public List<OpDefinition> all() {
        return new ArrayList<>(ops.values());
    }
}
