package dev.ignis.examples.customop;

import dev.ignis.ops.OpAttributes;
import dev.ignis.ops.OpDefinition;
import dev.ignis.ops.OpLibrary;
import dev.ignis.ops.OpRegistry;
import dev.ignis.ops.Ops;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;

/**
 * The "add your own op" walkthrough (docs/extending.md): {@code myops::my_add(x, y) = 2x + y} registered with
 * a shape rule, a CPU kernel and an autograd formula, found by ServiceLoader through
 * META-INF/services/dev.ignis.ops.OpLibrary.
 */
public final class MyAddOp implements OpLibrary {
    public static final String NAME = "myops::my_add";

    // walkthrough:definition
    static final OpDefinition MY_ADD = OpDefinition.builder(NAME)
            .inputs("x", "y")
            .check((in, attrs) -> {
                if (!Arrays.equals(in[0].shape(), in[1].shape())) {
                    throw new IllegalArgumentException(NAME + ": y must have the shape of x, "
                            + Shape.format(in[0].shape()) + ", got " + Shape.format(in[1].shape()));
                }
            })
            .kernel(DeviceType.CPU, (in, attrs) -> {  // the CPU kernel: plain Java over the values
                double[] x = in[0].toDoubleArray();
                double[] y = in[1].toDoubleArray();
                double[] z = new double[x.length];
                for (int i = 0; i < z.length; i++) {
                    z[i] = 2 * x[i] + y[i];
                }
                return new Tensor[] {Tensor.fromArray(z).reshape(in[0].shape()).to(in[0].dtype())};
            })
            .backward((call, grad) -> new Tensor[] {  // d/dx = 2, d/dy = 1
                grad[0].mul(2.0),
                grad[0]})
            .build();

    @Override
    public void registerOps(OpRegistry registry) {
        registry.register(MY_ADD);
    }
    // walkthrough:end

    // walkthrough:call
    /** 2x + y through the op registry: dispatched to the kernel of x's device, recorded for autograd. */
    public static Tensor myAdd(Tensor x, Tensor y) {
        return Ops.call(NAME, OpAttributes.of(), x, y);
    }
    // walkthrough:end

    /** For ServiceLoader. */
    public MyAddOp() {
    }
}
