package dev.ignis.backend;

import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends with {@link ServiceLoader}, ranks them and chooses the default one: the backend
 * named by the system property {@code ignis.backend} (or the environment variable
 * {@code IGNIS_BACKEND}) if set, else the highest-ranked available backend. The choice and the
 * reason are logged. A backend named explicitly but unavailable is an error, never a silent
 * fallback.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** One discovered backend and what its probe said. */
    public record Found(Backend backend, Availability availability) {
    }

    /** The default backend and why it was chosen. */
    public record Choice(Backend backend, String reason) {
    }

    private static final ThreadLocal<Backend> OVERRIDE = new ThreadLocal<>();

    private static volatile List<Found> found;
    private static volatile Choice choice;

    private Backends() {
    }

    /** Every backend on the class path with its probe result, highest rank first. */
    public static List<Found> discovered() {
        List<Found> result = found;
        if (result == null) {
            synchronized (Backends.class) {
                if (found == null) {
                    List<Found> list = new ArrayList<>();
                    for (Backend b : ServiceLoader.load(Backend.class)) {
                        Availability a;
                        try {
                            a = b.probe();
                        } catch (RuntimeException | LinkageError e) {
                            a = Availability.no("probe failed: " + e);
                        }
                        list.add(new Found(b, a));
                        if (a.available()) {
                            b.registerKernels(KernelTable.forDiscovery());
                        }
                    }
                    list.sort(Comparator.comparingInt((Found f) -> f.backend().rank()).reversed());
                    found = List.copyOf(list);
                }
                result = found;
            }
        }
        return result;
    }

    /** The default backend: configured, else the best available; logged once. */
    public static Choice choice() {
        Choice c = choice;
        if (c == null) {
            synchronized (Backends.class) {
                if (choice == null) {
                    choice = choose(System.getProperty("ignis.backend", System.getenv("IGNIS_BACKEND")));
                    LOG.info("backend: using '{}' ({})", choice.backend().name(), choice.reason());
                }
                c = choice;
            }
        }
        return c;
    }

    static Choice choose(String requested) {
        List<Found> all = discovered();
        if (requested != null && !requested.isBlank()) {
            for (Found f : all) {
                if (f.backend().name().equalsIgnoreCase(requested.trim())) {
                    if (!f.availability().available()) {
                        throw new IllegalStateException("backend '" + requested + "' was requested (ignis.backend)"
                                + " but is unavailable: " + f.availability().reason());
                    }
                    return new Choice(f.backend(), "requested by ignis.backend=" + requested);
                }
            }
            throw new IllegalStateException("backend '" + requested + "' was requested (ignis.backend) but not found;"
                    + " found: " + names(all));
        }
        List<String> skipped = new ArrayList<>();
        for (Found f : all) {
            if (f.availability().available()) {
                String why = "highest-ranked available backend (rank " + f.backend().rank() + ")";
                return new Choice(f.backend(), skipped.isEmpty() ? why : why + "; skipped " + String.join(", ", skipped));
            }
            skipped.add(f.backend().name() + ": " + f.availability().reason());
        }
        throw new IllegalStateException("no backend is available: " + String.join("; ", skipped));
    }

    /** The device types an automatic choice tries, in order, before the CPU. */
    private static final List<DeviceType> ACCELERATORS = List.of(DeviceType.CUDA, DeviceType.OPENCL);

    /** A device chosen automatically and why. */
    public record DeviceChoice(Device device, String reason) {
    }

    /**
     * The device to train on when none is named ({@code --device auto}): CUDA's device 0 where
     * the cuda backend is available, else the opencl device (an OpenCL GPU; a CPU OpenCL device
     * only when asked for), else the CPU. The backends' ranks choose where tensors are created by
     * default; this chooses where a model is sent.
     */
    public static DeviceChoice bestDevice() {
        List<String> skipped = new ArrayList<>();
        for (DeviceType type : ACCELERATORS) {
            for (Found f : discovered()) {
                if (f.backend().deviceType().equals(type)) {
                    if (f.availability().available()) {
                        return new DeviceChoice(new Device(type, 0), f.backend().name() + ": "
                                + f.availability().reason());
                    }
                    skipped.add(f.backend().name() + ": " + f.availability().reason());
                }
            }
        }
        return new DeviceChoice(Device.CPU, skipped.isEmpty() ? "no accelerator backend on the class path"
                : "no accelerator available (" + String.join("; ", skipped) + ")");
    }

    /** The backend that serves {@code device}'s type: this thread's {@link #use} override, else the discovered one. */
    public static Backend forDevice(Device device) {
        Backend override = OVERRIDE.get();
        if (override != null && override.deviceType().equals(device.type())) {
            return override;
        }
        for (Found f : discovered()) {
            if (f.backend().deviceType().equals(device.type())) {
                if (!f.availability().available()) {
                    throw new IllegalStateException("device " + device + " is unavailable: " + f.availability().reason());
                }
                return f.backend();
            }
        }
        throw new IllegalStateException("no backend serves device " + device + "; found: " + names(discovered()));
    }

    /**
     * Until the returned scope closes, tensors this thread creates on {@code backend}'s device type
     * live on {@code backend} (e.g. a CPU backend built with other {@code CpuOptions}), and so do
     * the results of ops on them. For tests and benchmarks that compare routes in one JVM.
     */
    public static Scope use(Backend backend) {
        Backend previous = OVERRIDE.get();
        OVERRIDE.set(backend);
        return () -> OVERRIDE.set(previous);
    }

    /** An override of {@link #use}, undone by {@link #close()}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static String names(List<Found> all) {
        List<String> names = new ArrayList<>();
        for (Found f : all) {
            names.add(f.backend().name());
        }
        return names.toString();
    }
}
