package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.autograd.GradCheck;
import dev.ignis.nn.DeformConv2d;
import dev.ignis.ops.OpRegistry;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * ignis_vision::deform_conv2d against torchvision 0.14's torchvision.ops.deform_conv2d
 * (tests/fixtures/generate_deform_conv_fixtures.py): outputs and the gradients with respect to
 * input, offset, mask, weight and bias; plus gradcheck and torchvision's shape errors.
 */
class DeformConvParityTest {
    private static final JsonNode FIXTURE = Fixtures.load("deform_conv.json");

    private static Tensor leaf(JsonNode node) {
        return node == null || node.isNull() ? null : Fixtures.tensor(node).requiresGrad(true);
    }

    private static int[] ints(JsonNode node) {
        return new int[] {node.get(0).asInt(), node.get(1).asInt()};
    }

    private static void assertClose(JsonNode expected, Tensor actual, String what) {
        Tensor e = Fixtures.tensor(expected);
        assertArrayEquals(e.shape(), actual.shape(), what + " shape");
        double[] want = e.toDoubleArray();
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-9 + 1e-9 * Math.abs(want[i]), what + "[" + i + "]");
        }
    }

    @TestFactory
    Stream<DynamicTest> outputsAndGradientsMatchTorchvision() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : FIXTURE.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                Tensor input = leaf(c.get("input"));
                Tensor weight = leaf(c.get("weight"));
                Tensor offset = leaf(c.get("offset"));
                Tensor mask = leaf(c.get("mask"));
                Tensor bias = leaf(c.get("bias"));
                Tensor out = DeformConv2d.deformConv2d(input, offset, weight, bias, ints(c.get("stride")),
                        ints(c.get("padding")), ints(c.get("dilation")), mask);
                assertClose(c.get("output"), out, "output");
                out.backward(Fixtures.tensor(c.get("upstream")), false);
                assertClose(c.get("grad_input"), input.grad(), "grad input");
                assertClose(c.get("grad_weight"), weight.grad(), "grad weight");
                assertClose(c.get("grad_offset"), offset.grad(), "grad offset");
                if (mask != null) {
                    assertClose(c.get("grad_mask"), mask.grad(), "grad mask");
                }
                if (bias != null) {
                    assertClose(c.get("grad_bias"), bias.grad(), "grad bias");
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void gradcheckOverEveryInput() {
        Generator gen = new Generator(4);
        Tensor input = Tensor.randn(gen, 1, 2, 4, 4).to(DType.FLOAT64).requiresGrad(true);
        Tensor weight = Tensor.randn(gen, 2, 2, 2, 2).to(DType.FLOAT64).requiresGrad(true);
        // offsets away from integers: bilinear sampling is not differentiable where a point crosses a pixel
        Tensor offset = Tensor.rand(gen, 1, 8, 3, 3).mul(0.6).add(0.2).to(DType.FLOAT64).requiresGrad(true);
        Tensor mask = Tensor.rand(gen, 1, 4, 3, 3).to(DType.FLOAT64).requiresGrad(true);
        Tensor bias = Tensor.randn(gen, 2).to(DType.FLOAT64).requiresGrad(true);
        GradCheck.check(in -> DeformConv2d.deformConv2d(in[0], in[2], in[1], in[4], new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, in[3]), input, weight, offset, mask, bias);
    }

    @Test
    void mismatchedOffsetAndMaskShapesNameTheExpectedShape() {
        DeformConv2d layer = new DeformConv2d(3, 4, 3, 1, 1);
        Tensor x = Tensor.zeros(2, 3, 5, 5);
        String offsetErr = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(x, Tensor.zeros(2, 18, 4, 5))).getMessage();
        assertEquals("ignis_vision::deform_conv2d: offset output dims: (4, 5) - computed output dims: (5, 5); expected"
                + " offset of shape [2, 18, 5, 5]", offsetErr);
        String groupsErr = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(x, Tensor.zeros(2, 17, 5, 5))).getMessage();
        assertTrue(groupsErr.contains("It should be a multiple of 2 * weight.size[2] * weight.size[3]"), groupsErr);
        String maskErr = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(x, Tensor.zeros(2, 18, 5, 5), Tensor.zeros(2, 8, 5, 5))).getMessage();
        assertEquals("ignis_vision::deform_conv2d: mask.shape[1] is not valid: got: 8 expected: 9 (mask of shape"
                + " [2, 9, 5, 5])", maskErr);
        assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(2, 2, 5, 5), Tensor.zeros(2, 18, 5, 5)));
        assertThrows(UnsupportedOperationException.class, () -> layer.call(x));
    }

    @Test
    void theOpIsRegisteredThroughServiceLoaderAndTheLayerPrintsLikeTorchvision() {
        assertEquals(List.of("cpu"), OpRegistry.global().get("ignis_vision::deform_conv2d").deviceTypes());
        DeformConv2d layer = new DeformConv2d(3, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, 1, false, new Generator(0));
        assertEquals("DeformConv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)", layer.toString());
        assertNull(layer.bias());
        Tensor y = layer.forward(Tensor.randn(new Generator(1), 1, 3, 6, 6), Tensor.zeros(1, 18, 6, 6));
        assertArrayEquals(new int[] {1, 8, 6, 6}, y.shape());
    }
}
