package dev.ignis.tensor;

import java.util.Objects;

/**
 * Where a tensor's storage lives: {@code cpu}, or an accelerator such as {@code cuda:0} or
 * {@code opencl:0}. Parsed from and printed as PyTorch's device strings.
 *
 * @param type  the device family ({@code cpu}, {@code cuda}, {@code opencl})
 * @param index the device ordinal within its family; 0 for the CPU
 */
public record Device(DeviceType type, int index) {
    public static final Device CPU = new Device(DeviceType.CPU, 0);

    public Device {
        Objects.requireNonNull(type, "type");
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** {@code new Device(DeviceType.of(type), index)}. */
    public Device(String type, int index) {
        this(DeviceType.of(type), index);
    }

    /** Parses {@code "cpu"}, {@code "cuda"}, {@code "cuda:1"}. */
    public static Device of(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return new Device(spec, 0);
        }
        try {
            return new Device(spec.substring(0, colon), Integer.parseInt(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid device string '" + spec + "'", e);
        }
    }

    public boolean isCpu() {
        return type.equals(DeviceType.CPU);
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : type + ":" + index;
    }
}
