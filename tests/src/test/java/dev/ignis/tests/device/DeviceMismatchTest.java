package dev.ignis.tests.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.F;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.Reduction;
import dev.ignis.optim.SGD;
import dev.ignis.tensor.BatchNormalization;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Tensors carry their device: an op on tensors of two devices is an error naming both, as
 * PyTorch's "Expected all tensors to be on the same device"; moves are explicit and round-trip;
 * a module moved to a device trains there. The second device is {@link MirrorBackend}.
 */
class DeviceMismatchTest {
    private static final Device MIRROR = MirrorBackend.DEVICE;

    private static Tensor cpu(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }

    @TestFactory
    List<DynamicTest> everyMultiOperandOpRefusesTwoDevices() {
        Map<String, Supplier<Tensor>> ops = new LinkedHashMap<>();
        ops.put("add", () -> cpu(1, 3, 4).add(cpu(2, 3, 4).to(MIRROR)));
        ops.put("mul_ (in place)", () -> cpu(1, 3, 4).mul_(cpu(2, 3, 4).to(MIRROR)));
        ops.put("matmul", () -> cpu(1, 3, 4).matmul(cpu(2, 4, 5).to(MIRROR)));
        ops.put("linear", () -> F.linear(cpu(1, 3, 4), cpu(2, 5, 4).to(MIRROR), null));
        ops.put("where", () -> Tensor.where(cpu(1, 3).gt(0.0), cpu(2, 3), cpu(3, 3).to(MIRROR)));
        ops.put("cat", () -> Tensor.cat(List.of(cpu(1, 2, 3), cpu(2, 2, 3).to(MIRROR)), 0));
        ops.put("gather", () -> cpu(1, 3, 4).gather(1, Tensor.zeros(dev.ignis.tensor.DType.INT64, MIRROR, 3, 2)));
        ops.put("index_select", () -> cpu(1, 3, 4).indexSelect(0, Tensor.fromArray(new long[] {0, 2}, 2).to(MIRROR)));
        ops.put("scatter_add", () -> Tensor.zeros(3, 4).scatterAdd(1,
                Tensor.zeros(dev.ignis.tensor.DType.INT64, Device.CPU, 3, 2), cpu(2, 3, 2).to(MIRROR)));
        ops.put("conv2d", () -> F.conv2d(cpu(1, 1, 2, 5, 5), cpu(2, 3, 2, 3, 3).to(MIRROR), null, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 1));
        ops.put("batch_norm", () -> BatchNormalization.train(cpu(1, 4, 3, 2, 2), cpu(2, 3).to(MIRROR), null, 1e-5)
                .output());
        ops.put("nll_loss", () -> F.nllLoss(cpu(1, 4, 3).logSoftmax(1),
                Tensor.fromArray(new long[] {0, 1, 2, 1}, 4).to(MIRROR), null, -100, Reduction.MEAN));
        ops.put("mse_loss", () -> F.mseLoss(cpu(1, 4, 3), cpu(2, 4, 3).to(MIRROR), Reduction.MEAN));
        return ops.entrySet().stream().map(op -> DynamicTest.dynamicTest(op.getKey(), () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.getValue().get());
            assertTrue(e.getMessage().contains("expected all tensors to be on the same device")
                    && e.getMessage().contains("cpu") && e.getMessage().contains("mirror:0"), e.getMessage());
        })).toList();
    }

    @Test
    void copyAcrossDevicesIsAMoveNotAnError() {
        Tensor src = cpu(2, 3, 4).to(MIRROR);
        Tensor dst = Tensor.zeros(3, 4).copy_(src);
        assertEquals(Device.CPU, dst.device());
        assertArrayEquals(cpu(2, 3, 4).toFloatArray(), dst.toFloatArray());
    }

    @Test
    void movesRoundTripAndGradientsComeBackToTheirDevice() {
        Tensor x = cpu(4, 2, 3).requiresGrad(true);
        Tensor onMirror = x.to(MIRROR);
        assertEquals(MIRROR, onMirror.device());
        assertArrayEquals(x.toFloatArray(), onMirror.toFloatArray());
        onMirror.mul(onMirror).sum().backward();
        assertEquals(Device.CPU, x.grad().device());
        assertArrayEquals(x.mul(2.0).toFloatArray(), x.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void aModuleMovedToTheDeviceTrainsThereWithItsOptimizer() {
        Generator.getDefault().manualSeed(5);
        Module net = new Linear(4, 2).to(MIRROR);
        SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.1).momentum(0.9));
        Tensor x = cpu(6, 8, 4).to(MIRROR);
        Tensor y = Tensor.fromArray(new long[] {0, 1, 1, 0, 1, 0, 0, 1}, 8).to(MIRROR);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 20; step++) {
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(net.call(x), y);
            loss.backward();
            opt.step();
            last = loss.item();
            first = step == 0 ? last : first;
            assertEquals(MIRROR, loss.device());
        }
        for (Tensor p : net.parameters()) {
            assertEquals(MIRROR, p.device());
        }
        assertTrue(last < first, "loss " + first + " -> " + last);
    }
}
