package dev.ignis.tests.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.Backends;
import dev.ignis.backend.cuda.Cuda;
import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.F;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Fusion;
import dev.ignis.nn.Linear;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.SGD;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Where a GPU is present, 50 training steps of a fused CNN on {@code cuda} follow the CPU's loss
 * curve within float32 tolerance, from the same weights and batches. Skipped, saying why, where no
 * cuda device is available.
 */
class GpuTrainingTest {
    private static Device cuda() {
        boolean available = Backends.discovered().stream().anyMatch(f -> f.backend().deviceType().equals(DeviceType.CUDA)
                && f.availability().available());
        assumeTrue(available, "no cuda device: " + Backends.discovered().stream()
                .filter(f -> f.backend().deviceType().equals(DeviceType.CUDA)).map(f -> f.availability().reason())
                .findFirst().orElse("the cuda backend is not on the class path"));
        return new Device(DeviceType.CUDA, 0);
    }

    private static Module cnn() {
        Generator.getDefault().manualSeed(21);
        return Fusion.fuse(new Sequential(new Conv2d(1, 8, 3, 1, 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(8 * 7 * 7, 10)));
    }

    /** The loss of each of 50 SGD-with-momentum steps of a fresh model on {@code device}. */
    private static List<Double> losses(Supplier<Module> model, Device device) {
        Module net = model.get().to(device);
        SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.05).momentum(0.9));
        Generator data = new Generator(5);
        List<Double> losses = new ArrayList<>();
        for (int step = 0; step < 50; step++) {
            Tensor x = Tensor.randn(data, 16, 1, 14, 14).to(device);
            Tensor y = Tensor.randint(0, 10, data, 16).to(device);
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(net.call(x), y);
            loss.backward();
            opt.step();
            losses.add(loss.item());
        }
        return losses;
    }

    @Test
    void fiftyStepsOnTheGpuFollowTheCpusLossCurve() {
        Device gpu = cuda();
        List<Double> cpu = losses(GpuTrainingTest::cnn, Device.CPU);
        List<Double> onGpu = losses(GpuTrainingTest::cnn, gpu);
        for (int step = 0; step < 50; step++) {
            assertEquals(cpu.get(step), onGpu.get(step), 2e-3 * (1 + Math.abs(cpu.get(step))), "loss at step " + step);
        }
        assertTrue(cpu.get(49) < cpu.get(0), "the model learns: " + cpu.get(0) + " -> " + cpu.get(49));
    }

    @Test
    void releasedMemoryGoesBackToTheCacheAndIsReused() {
        Device gpu = cuda();
        long before = Cuda.memoryAllocated();
        Tensor t = Tensor.zeros(DType.FLOAT32, gpu, 1 << 20);   // 4 MiB, a size class of its own
        assertEquals(before + (4L << 20), Cuda.memoryAllocated());
        t.backend().release(t.storage());
        assertEquals(before, Cuda.memoryAllocated());
        long reserved = Cuda.memoryReserved();
        for (int i = 0; i < 100; i++) {
            Tensor u = Tensor.zeros(DType.FLOAT32, gpu, 1 << 20);
            u.backend().release(u.storage());
        }
        assertEquals(reserved, Cuda.memoryReserved(), "the cached block is reused, nothing new is taken");
        assertTrue(Cuda.maxMemoryAllocated() >= before + (4L << 20));
        Cuda.emptyCache();
        assertTrue(Cuda.memoryReserved() <= reserved - (4L << 20), "emptyCache gives the free blocks back");
    }
}
