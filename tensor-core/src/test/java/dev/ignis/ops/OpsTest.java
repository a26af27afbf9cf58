package dev.ignis.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradCheck;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OpsTest {
    /** z = alpha·x + y with a CPU kernel written on arrays and a formula backward. */
    private static final OpDefinition SCALED_ADD = OpDefinition.builder("test::scaled_add")
            .inputs("x", "y")
            .check((in, attrs) -> {
                if (!Arrays.equals(in[0].shape(), in[1].shape())) {
                    throw new IllegalArgumentException("test::scaled_add: y must have x's shape "
                            + Arrays.toString(in[0].shape()) + ", got " + Arrays.toString(in[1].shape()));
                }
            })
            .kernel(DeviceType.CPU, (in, attrs) -> {
                double alpha = attrs.getDouble("alpha");
                double[] x = in[0].toDoubleArray();
                double[] y = in[1].toDoubleArray();
                double[] z = new double[x.length];
                for (int i = 0; i < z.length; i++) {
                    z[i] = alpha * x[i] + y[i];
                }
                return new Tensor[] {Tensor.fromArray(z).reshape(in[0].shape()).to(in[0].dtype())};
            })
            .backward((call, g) -> new Tensor[] {
                call.needsInputGrad()[0] ? g[0].mul(call.attributes().getDouble("alpha")) : null,
                call.needsInputGrad()[1] ? g[0] : null})
            .build();

    @Test
    void aRegisteredOpDispatchesToItsKernelAndIsDifferentiable() {
        Tensor x = Tensor.randn(new Generator(1), 2, 3).to(DType.FLOAT64).requiresGrad(true);
        Tensor y = Tensor.randn(new Generator(2), 2, 3).to(DType.FLOAT64).requiresGrad(true);
        OpAttributes alpha = OpAttributes.of().with("alpha", 2.5);
        Tensor z = Ops.callAll(SCALED_ADD, alpha, x, y)[0];
        assertArrayEquals(x.mul(2.5).add(y).toDoubleArray(), z.toDoubleArray(), 1e-12);
        assertEquals("test::scaled_addBackward", z.gradFn().name());
        GradCheck.check(in -> Ops.callAll(SCALED_ADD, alpha, in)[0].pow(2), x, y);
    }

    @Test
    void badInputsAndMissingKernelsAreNamed() {
        Tensor x = Tensor.zeros(2, 3);
        assertEquals("test::scaled_add: y must have x's shape [2, 3], got [3]", assertThrows(IllegalArgumentException.class,
                () -> Ops.callAll(SCALED_ADD, OpAttributes.of().with("alpha", 1.0), x, Tensor.zeros(3))).getMessage());
        assertEquals("test::scaled_add: expected 2 tensor inputs (x, y), got 1", assertThrows(
                IllegalArgumentException.class, () -> Ops.callAll(SCALED_ADD, OpAttributes.of(), x)).getMessage());
        assertEquals("op 'test::scaled_add' has no kernel for device cuda:1 (kernels: cpu)", assertThrows(
                UnsupportedOperationException.class, () -> Ops.kernelFor(SCALED_ADD, Device.of("cuda:1"))).getMessage());
        assertEquals("op attribute 'alpha' is missing (given: [])", assertThrows(IllegalArgumentException.class,
                () -> Ops.callAll(SCALED_ADD, OpAttributes.of(), x, x)).getMessage());
    }

    @Test
    void registryNamesAndDuplicates() {
        OpRegistry registry = new OpRegistry();
        registry.register(SCALED_ADD);
        registry.register(SCALED_ADD);   // the same definition again is harmless
        assertThrows(IllegalArgumentException.class, () -> registry.register(OpDefinition.builder("test::scaled_add")
                .kernel(DeviceType.CPU, (in, a) -> in).build()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.get("test::nope")).getMessage()
                .startsWith("unknown op 'test::nope' (registered: test::scaled_add"));
        assertThrows(IllegalArgumentException.class, () -> OpDefinition.builder("no_namespace")
                .kernel(DeviceType.CPU, (in, a) -> in).build());
        assertThrows(IllegalArgumentException.class, () -> OpDefinition.builder("test::gpu_only")
                .kernel(DeviceType.CUDA, (in, a) -> in).build());
    }

    @Test
    void anOpWithoutAutogradRefusesInputsThatRequireGrad() {
        OpDefinition noGrad = OpDefinition.builder("test::twice")
                .kernel(DeviceType.CPU, (in, a) -> new Tensor[] {in[0].mul(2.0)})
                .build();
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertEquals("op 'test::twice' has no autograd formula, but input 0 requires grad",
                assertThrows(IllegalArgumentException.class, () -> Ops.callAll(noGrad, OpAttributes.of(), x)).getMessage());
        assertArrayEquals(new double[] {2, 2}, Ops.callAll(noGrad, OpAttributes.of(), x.detach())[0].toDoubleArray(), 0);
    }
}
