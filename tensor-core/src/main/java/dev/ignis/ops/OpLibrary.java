package dev.ignis.ops;

/**
 * A set of ops a jar contributes. List implementations in
 * {@code META-INF/services/dev.ignis.ops.OpLibrary}; {@link OpRegistry#global()} finds them with
 * ServiceLoader the first time it is used.
 */
public interface OpLibrary {
    void registerOps(OpRegistry registry);
}
