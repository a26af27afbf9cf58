package dev.ignis.ops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A named op ({@code namespace::name}, as torch.library): the names of its tensor inputs, its
 * shape/dtype rule, one kernel per device type ({@code cpu} required; {@code cuda}, {@code opencl}
 * optional) and an optional autograd formula. Built with {@link #builder(String)}.
 */
public final class OpDefinition {
    private final String name;
    private final List<String> inputNames;
    private final OpCheck check;
    private final Map<String, OpKernel> kernels;
    private final OpBackward backward;

    private OpDefinition(Builder b) {
        this.name = b.name;
        this.inputNames = List.copyOf(b.inputNames);
        this.check = b.check;
        this.kernels = Collections.unmodifiableMap(new LinkedHashMap<>(b.kernels));
        this.backward = b.backward;
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
    public OpKernel kernel(String deviceType) {
        return kernels.get(deviceType);
    }

    /** Device types with a kernel, sorted. */
    public List<String> deviceTypes() {
        return List.copyOf(new TreeSet<>(kernels.keySet()));
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
        private final Map<String, OpKernel> kernels = new LinkedHashMap<>();
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

        /** The kernel for a device type ("cpu", "cuda", "opencl"). */
        public Builder kernel(String deviceType, OpKernel kernel) {
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
            if (!kernels.containsKey("cpu")) {
                throw new IllegalArgumentException("op '" + name + "' must have a cpu kernel (has: " + kernels.keySet() + ")");
            }
            return new OpDefinition(this);
        }
    }
}
