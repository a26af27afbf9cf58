package dev.ignis.tests.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.Backends;
import dev.ignis.backend.cuda.Cuda;
import dev.ignis.backend.opencl.OpenClBackend;
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
import dev.ignis.optim.Adam;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.SGD;
import dev.ignis.optim.TrainingStep;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.MemoryScope;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Device memory is the same after every training step, without the garbage collector: each step
 * (batch upload, forward, loss, backward, update, the loss read back) runs in a {@link MemoryScope},
 * and the device's own count of allocated bytes ({@code torch.cuda.memory_allocated()}'s
 * counterpart) is compared after every step with its value after the first, which created the
 * gradients and the optimizer's state. A storage left to the collector would show as growth (or,
 * once a cleaner ran, as a drop). Runs on each accelerator present (in CI: opencl on PoCL's CPU
 * device); skipped, saying why, where one is missing.
 */
class DeviceMemoryTest {
    enum Accelerator {
        CUDA(DeviceType.CUDA), OPENCL(DeviceType.OPENCL);

        final DeviceType type;

        Accelerator(DeviceType type) {
            this.type = type;
        }

        /** The device, or the test skipped with the reason it is unavailable. */
        Device device() {
            boolean available = Backends.discovered().stream()
                    .anyMatch(f -> f.backend().deviceType().equals(type) && f.availability().available());
            assumeTrue(available, "no " + type + " device: " + Backends.discovered().stream()
                    .filter(f -> f.backend().deviceType().equals(type)).map(f -> f.availability().reason())
                    .findFirst().orElse("its backend is not on the class path"));
            return new Device(type, 0);
        }

        LongSupplier allocated() {
            return this == CUDA ? Cuda::memoryAllocated : OpenClBackend::memoryAllocated;
        }
    }

    /**
     * Trains {@code steps} steps of {@code net} on random batches of {@code shape} (10 classes) and
     * checks the allocated bytes after each against the first step's; returns the most allocated
     * inside a step, before its scope closed, over the bytes after the steps.
     */
    private static long[] trainFlat(Accelerator acc, Module net, Optimizer opt, int steps, int... shape) {
        Device device = acc.device();
        LongSupplier allocated = acc.allocated();
        settle(allocated);
        TrainingStep step = new TrainingStep(opt, net::call, F::crossEntropy);
        Generator data = new Generator(3);
        long[] after = new long[steps];
        long insideStep = 0;
        for (int s = 0; s < steps; s++) {
            Tensor x = Tensor.randn(data, shape);
            Tensor y = Tensor.randint(0, 10, data, shape[0]);
            try (MemoryScope scope = MemoryScope.open()) {
                double loss = step.run(x.to(device), y.to(device)).lossValue();
                assertTrue(Double.isFinite(loss), "loss at step " + s + ": " + loss);
                insideStep = Math.max(insideStep, allocated.getAsLong());
            }
            after[s] = allocated.getAsLong();
        }
        long afterFirst = after[0];
        for (int s = 1; s < steps; s++) {
            assertEquals(afterFirst, after[s], "bytes allocated on " + device + " after step " + s
                    + " against after step 0; the first steps: " + Arrays.toString(Arrays.copyOf(after, 8)));
        }
        return new long[] {insideStep, afterFirst};
    }

    /**
     * Lets the collector's cleaners give back what earlier tests in this JVM dropped outside any
     * scope, so that none of it is counted in the first step and freed during a later one.
     */
    private static void settle(LongSupplier allocated) {
        long last = -1;
        for (int i = 0; i < 50 && allocated.getAsLong() != last; i++) {
            last = allocated.getAsLong();
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Accelerator.class)
    void aThousandStepsOfAnMlpWithAdamLeaveTheDevicesMemoryWhereTheFirstLeftIt(Accelerator acc) {
        Device device = acc.device();
        Generator.getDefault().manualSeed(4);
        Module net = new Sequential(new Linear(32, 64), new ReLU(), new Linear(64, 10)).to(device);
        long[] bytes = trainFlat(acc, net, new Adam(net.parameters(), new Adam.Options().lr(1e-3)), 1000, 16, 32);
        System.out.println(device + ", MLP with Adam, 1,000 steps: " + bytes[1] + " bytes allocated after every step, "
                + bytes[0] + " at most inside one");
        assertTrue(bytes[0] > bytes[1], "a step's batch and intermediates show while it runs and are gone after");
    }

    @ParameterizedTest
    @EnumSource(Accelerator.class)
    void aFusedCnnsConvolutionPoolingAndNormScratchGoesBackEveryStep(Accelerator acc) {
        Device device = acc.device();
        Generator.getDefault().manualSeed(5);
        Module net = Fusion.fuse(new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 10))).to(device);
        long[] bytes = trainFlat(acc, net, new SGD(net.parameters(), new SGD.Options().lr(0.05).momentum(0.9)), 30,
                4, 1, 8, 8);
        System.out.println(device + ", fused CNN with SGD, 30 steps: " + bytes[1] + " bytes allocated after every step");
    }
}
