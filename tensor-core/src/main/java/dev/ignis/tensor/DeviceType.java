package dev.ignis.tensor;

import java.util.Locale;
import java.util.Objects;

/**
 * A family of devices, the part of a device string before the colon: {@code cpu}, {@code cuda},
 * {@code opencl}, or the name a plugged-in backend gives. Backends serve one device type, and
 * kernels (built-in families and user ops alike) are registered per device type.
 *
 * @param name lower case letters and digits, starting with a letter
 */
public record DeviceType(String name) {
    public static final DeviceType CPU = new DeviceType("cpu");
    public static final DeviceType CUDA = new DeviceType("cuda");
    public static final DeviceType OPENCL = new DeviceType("opencl");

    public DeviceType {
        Objects.requireNonNull(name, "name");
        name = name.toLowerCase(Locale.ROOT);
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("invalid device type '" + name + "': expected letters and digits, e.g."
                    + " cpu, cuda, opencl");
        }
    }

    /** The type named {@code name}, e.g. {@code DeviceType.of("cuda")}. */
    public static DeviceType of(String name) {
        return new DeviceType(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
