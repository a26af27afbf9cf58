package dev.ignis.backend;

import dev.ignis.tensor.DeviceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table of kernels beyond the primitives, keyed by (kernel family, device type): built-in
 * families (convolution, pooling, norms, softmax, losses, ...) and user ops alike. A backend puts
 * its kernels in when it is discovered ({@link Backend#registerKernels}); {@code dev.ignis.ops}
 * puts user ops' kernels in when they are registered.
 *
 * <p>{@link #kernel} answers with the device's kernel, else the family's reference composed from
 * primitives, logged once per family and device type, so a new device runs every family from the
 * day it implements the primitives.
 */
public final class KernelTable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelTable.class);
    private static final KernelTable GLOBAL = new KernelTable();

    private record Key(KernelFamily<?> family, DeviceType device) {
    }

    private final Map<Key, Object> kernels = new ConcurrentHashMap<>();
    private final Set<Key> referenceLogged = ConcurrentHashMap.newKeySet();

    /** An empty table (tests; everything else uses {@link #global()}). */
    public KernelTable() {
    }

    /** The process-wide table, holding the kernels of every discovered backend. */
    public static KernelTable global() {
        Backends.discovered();   // each discovered backend registers its kernels once
        return GLOBAL;
    }

    /** The table backends register into while {@link Backends} discovers them. */
    static KernelTable forDiscovery() {
        return GLOBAL;
    }

    /**
     * Sets {@code device}'s kernel for {@code family}.
     *
     * @throws IllegalArgumentException when the device already has a different kernel for it
     */
    public <K> void register(KernelFamily<K> family, DeviceType device, K kernel) {
        Object previous = kernels.putIfAbsent(new Key(family, device), family.type().cast(kernel));
        if (previous != null && previous != kernel) {
            throw new IllegalArgumentException("kernel family " + family + " already has a kernel for device type "
                    + device);
        }
    }

    /** The kernel {@code device} registered for {@code family}, or null. */
    public <K> K registered(KernelFamily<K> family, DeviceType device) {
        return family.type().cast(kernels.get(new Key(family, device)));
    }

    /**
     * The kernel of {@code family} for {@code device}: its own, else the family's reference
     * (logged once).
     *
     * @throws UnsupportedOperationException when there is neither (a user op without a kernel for
     *                                       that device), naming the devices that have one
     */
    public <K> K kernel(KernelFamily<K> family, DeviceType device) {
        K own = registered(family, device);
        if (own != null) {
            return own;
        }
        if (family.reference() == null) {
            throw new UnsupportedOperationException(family + " has no kernel for device type " + device
                    + " (kernels: " + String.join(", ", devicesOf(family)) + ")");
        }
        if (referenceLogged.add(new Key(family, device))) {
            LOG.info("kernel {}: device type {} has no kernel of its own; running the reference composed from"
                    + " its primitives", family, device);
        }
        return family.reference();
    }

    /** {@code global().kernel(family, device.deviceType())}: what references call to compose other families. */
    public static <K> K lookup(KernelFamily<K> family, Backend device) {
        return global().kernel(family, device.deviceType());
    }

    /** The device types with a kernel of their own for {@code family}, sorted. */
    public List<String> devicesOf(KernelFamily<?> family) {
        List<String> names = new ArrayList<>();
        for (Key key : kernels.keySet()) {
            if (key.family() == family) {
                names.add(key.device().name());
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }
}
