package dev.ignis.backend;

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

    /** A family whose {@code reference} (composed from primitives) runs on devices without a kernel of their own. */
    public static <K> KernelFamily<K> of(String name, Class<K> type, K reference) {
        return new KernelFamily<>(name, type, Objects.requireNonNull(reference, "reference"));
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
