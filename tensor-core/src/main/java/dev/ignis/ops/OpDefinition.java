package dev.ignis.ops;

import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.KernelTable;
import dev.ignis.tensor.DeviceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named op ({@code namespace::name}, as torch.library): the names of its tensor inputs, its
 * shape/dtype rule, one kernel per device type ({@link DeviceType#CPU} required; {@code cuda},
 * {@code opencl} optional) and an optional autograd formula. Built with {@link #builder(String)}.
 * Its kernels live in the {@link KernelTable}, beside the built-in families, under a family of
 * its own (without a reference: a device without the op's kernel cannot run it).
 */
public final class OpDefinition {
    private final String name;
    private final List<String> inputNames;
    private final OpCheck check;
    private final KernelFamily<OpKernel> family;
    private final OpBackward backward;

    private OpDefinition(Builder b) {
        this.name = b.name;
        this.inputNames = List.copyOf(b.inputNames);
        this.check = b.check;
        this.family = KernelFamily.withoutReference("op " + b.name, OpKernel.class);
        this.backward = b.backward;
        b.kernels.forEach((device, kernel) -> KernelTable.global().register(family, device, kernel));
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<String> inputNames() {
        return inputNames;
    }

    OpCheck check() {
        return check;
    }

    /** The kernel for a device type, or null. */
    public OpKernel kernel(DeviceType deviceType) {
        return KernelTable.global().registered(family, deviceType);
    }

    /** Device types with a kernel, sorted. */
    public List<String> deviceTypes() {
        return KernelTable.global().devicesOf(family);
    }

    /** The autograd formula, or null for an op that is not differentiable. */
    public OpBackward backward() {
        return backward;
    }

    @Override
    public String toString() {
        return name + "(" + String.join(", ", inputNames) + ") kernels=" + deviceTypes()
                + (backward != null ? " +autograd" : "");
    }

    /** Collects the parts of an op; {@link #build()} checks the name and that a CPU kernel exists. */
    public static final class Builder {
        private final String name;
        private List<String> inputNames = List.of();
        private OpCheck check = (in, attrs) -> { };
        private final Map<DeviceType, OpKernel> kernels = new LinkedHashMap<>();
        private OpBackward backward;

        private Builder(String name) {
            this.name = name;
        }

        /** Names of the tensor inputs, in call order (used in error messages). */
        public Builder inputs(String... names) {
            inputNames = List.of(names);
            return this;
        }

        public Builder check(OpCheck rule) {
            check = rule;
            return this;
        }

        /** The kernel for a device type ({@link DeviceType#CPU}, {@link DeviceType#CUDA}, ...). */
        public Builder kernel(DeviceType deviceType, OpKernel kernel) {
            kernels.put(deviceType, kernel);
            return this;
        }

        public Builder backward(OpBackward formula) {
            backward = formula;
            return this;
        }

        public OpDefinition build() {
            int sep = name.indexOf("::");
            if (sep <= 0 || sep + 2 >= name.length() || name.indexOf("::", sep + 2) >= 0) {
                throw new IllegalArgumentException("op name must be 'namespace::name', got '" + name + "'");
            }
            if (!kernels.containsKey(DeviceType.CPU)) {
                throw new IllegalArgumentException("op '" + name + "' must have a cpu kernel (has: " + kernels.keySet() + ")");
            }
            return new OpDefinition(this);
        }
    }
}
