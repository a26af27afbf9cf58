package dev.ignis.backend;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Objects;

/**
 * A kind of kernel beyond the primitives of {@link Backend} (a convolution, a pooling, a fused
 * block, a user op), the key of the {@link KernelTable}: its name, the interface its kernels
 * implement, and the reference that runs where a device registered none.
 *
 * <p>Built-in references are composed from a device's primitives, so every device runs every
 * family and overrides only what it speeds up. User ops ({@code dev.ignis.ops}) have no
 * reference: a device without their kernel is an error.
 *
 * @param <K> the kernel interface; kernels take the device they run on as their first argument
 */
public final class KernelFamily<K> {
    private final String name;
    private final Class<K> type;
    private final K reference;

    private KernelFamily(String name, Class<K> type, K reference) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.reference = reference;
    }

    /**
     * A family whose {@code reference} (composed from primitives) runs on devices without a kernel
     * of their own. Each call of the reference runs in a {@link StorageScope} of its own, so the
     * scratch storages it allocates go back to the device when it returns (its outputs are the
     * caller's, made before the call).
     */
    public static <K> KernelFamily<K> of(String name, Class<K> type, K reference) {
        return new KernelFamily<>(name, type, releasingScratch(type, Objects.requireNonNull(reference, "reference")));
    }

    /** {@code kernel}, each call of whose methods runs in a scope of its own. */
    private static <K> K releasingScratch(Class<K> type, K kernel) {
        InvocationHandler call = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(kernel, args);
            }
            try (StorageScope scratch = StorageScope.open()) {
                return method.invoke(kernel, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, call));
    }

    /** A family without a reference: only devices that registered a kernel run it. */
    public static <K> KernelFamily<K> withoutReference(String name, Class<K> type) {
        return new KernelFamily<>(name, type, null);
    }

    public String name() {
        return name;
    }

    public Class<K> type() {
        return type;
    }

    /** The reference kernel, or null for a family without one. */
    public K reference() {
        return reference;
    }

    @Override
    public String toString() {
        return name;
    }
}
