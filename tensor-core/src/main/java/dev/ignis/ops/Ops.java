package dev.ignis.ops;

import dev.ignis.autograd.Function;
import dev.ignis.autograd.FunctionContext;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;

/**
 * Calls registered ops: checks the inputs with the op's rule, picks the kernel of the inputs'
 * device, runs it, and records the op's autograd formula when an input requires grad.
 *
 * <pre>{@code
 * Tensor z = Ops.call("ignis::my_add", OpAttributes.of(), x, y);
 * }</pre>
 */
public final class Ops {
    private Ops() {
    }

    /** {@link #callAll} for an op with one output. */
    public static Tensor call(String name, OpAttributes attributes, Tensor... inputs) {
        Tensor[] out = callAll(name, attributes, inputs);
        if (out.length != 1) {
            throw new IllegalStateException("op '" + name + "' returned " + out.length + " outputs; use Ops.callAll");
        }
        return out[0];
    }

    /**
     * Runs op {@code name} of the {@link OpRegistry#global() global registry}.
     *
     * @throws IllegalArgumentException for an unknown op, inputs on different devices, or inputs its rule refuses
     * @throws UnsupportedOperationException when the op has no kernel for the inputs' device
     */
    public static Tensor[] callAll(String name, OpAttributes attributes, Tensor... inputs) {
        return callAll(OpRegistry.global().get(name), attributes, inputs);
    }

    /** Runs {@code op} (from any registry). */
    public static Tensor[] callAll(OpDefinition op, OpAttributes attributes, Tensor... inputs) {
        if (!op.inputNames().isEmpty() && inputs.length != op.inputNames().size()) {
            throw new IllegalArgumentException(op.name() + ": expected " + op.inputNames().size() + " tensor inputs ("
                    + String.join(", ", op.inputNames()) + "), got " + inputs.length);
        }
        Device device = deviceOf(op, inputs);
        op.check().check(inputs, attributes);
        return new Call(op, kernelFor(op, device), attributes).applyAll(inputs);
    }

    /**
     * The kernel of {@code op} for {@code device}'s type.
     *
     * @throws UnsupportedOperationException naming the op, the device and the kernels it has
     */
    static OpKernel kernelFor(OpDefinition op, Device device) {
        OpKernel kernel = op.kernel(device.type());
        if (kernel == null) {
            throw new UnsupportedOperationException("op '" + op.name() + "' has no kernel for device " + device
                    + " (kernels: " + String.join(", ", op.deviceTypes()) + ")");
        }
        return kernel;
    }

    private static Device deviceOf(OpDefinition op, Tensor[] inputs) {
        Device device = null;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                continue;
            }
            if (device == null) {
                device = inputs[i].device();
            } else if (!device.equals(inputs[i].device())) {
                throw new IllegalArgumentException(op.name() + ": expected all tensors on one device, but "
                        + inputName(op, i) + " is on " + inputs[i].device() + " and earlier inputs on " + device);
            }
        }
        if (device == null) {
            throw new IllegalArgumentException(op.name() + ": no tensor input to take the device from");
        }
        return device;
    }

    static String inputName(OpDefinition op, int i) {
        return i < op.inputNames().size() ? op.inputNames().get(i) : "input " + i;
    }

    /** One call of a registered op as an autograd Function: the kernel forward, the op's formula backward. */
    private static final class Call extends Function {
        private final OpDefinition op;
        private final OpKernel kernel;
        private final OpAttributes attributes;

        Call(OpDefinition op, OpKernel kernel, OpAttributes attributes) {
            this.op = op;
            this.kernel = kernel;
            this.attributes = attributes;
        }

        @Override
        protected String name() {
            return op.name() + "Backward";
        }

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... inputs) {
            boolean[] needs = new boolean[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                needs[i] = ctx.needsInputGrad(i);
                if (needs[i] && op.backward() == null) {
                    throw new IllegalArgumentException("op '" + op.name() + "' has no autograd formula, but "
                            + inputName(op, i) + " requires grad");
                }
            }
            ctx.saveForBackward(inputs);
            ctx.put("needs", needs);
            return kernel.run(inputs, attributes);
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs) {
            OpBackward.OpCall call = new OpBackward.OpCall(ctx.savedTensors(), attributes, ctx.get("needs"));
            return op.backward().backward(call, gradOutputs);
        }
    }
}
