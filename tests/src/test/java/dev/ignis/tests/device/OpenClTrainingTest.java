package dev.ignis.tests.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.Backends;
import dev.ignis.backend.opencl.OpenClBackend;
import dev.ignis.backend.opencl.OpenClTransfers;
import dev.ignis.nn.F;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.SGD;
import dev.ignis.optim.TrainingStep;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Fashion MLP (784-256-128-10, SGD with momentum) trained on {@code opencl} follows the CPU's
 * loss curve within float32 tolerance, from the same weights and batches, and its tensors stay on
 * the device between steps: per step only the batch goes up, and only the loss and the targets
 * (nll_loss checks the class indices on the host) come down. In CI the
 * device is PoCL's CPU device ({@code ignis.opencl.allowCpu}); skipped, saying why, without an
 * OpenCL runtime.
 */
class OpenClTrainingTest {
    private static final int STEPS = 200;
    private static final int BATCH = 32;

    private static Device opencl() {
        boolean available = Backends.discovered().stream()
                .anyMatch(f -> f.backend().deviceType().equals(DeviceType.OPENCL) && f.availability().available());
        assumeTrue(available, "no opencl device: " + Backends.discovered().stream()
                .filter(f -> f.backend().deviceType().equals(DeviceType.OPENCL)).map(f -> f.availability().reason())
                .findFirst().orElse("the opencl backend is not on the class path"));
        return new Device(DeviceType.OPENCL, 0);
    }

    private static Module mlp() {
        Generator.getDefault().manualSeed(31);
        return new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
                new Linear(128, 10));
    }

    /**
     * Ten classes of 28×28 images, each a fixed random template plus noise: learnable, so the
     * curve falls. Batch {@code step} of a fixed stream.
     */
    private static Tensor[] batch(Tensor templates, Generator data) {
        Tensor y = Tensor.randint(0, 10, data, BATCH);
        Tensor x = templates.indexSelect(0, y).add(Tensor.randn(data, BATCH, 1, 28, 28).mul(0.8));
        return new Tensor[] {x, y};
    }

    /** The loss of each step on {@code device}, and the transfers of the last 100 steps. */
    private static List<Double> losses(Device device, List<OpenClTransfers> transfers) {
        Module net = mlp().to(device);
        SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.02).momentum(0.9));
        TrainingStep step = new TrainingStep(opt, net::call, F::crossEntropy);
        Tensor templates = Tensor.randn(new Generator(7), 10, 1, 28, 28);
        Generator data = new Generator(8);
        List<Double> losses = new ArrayList<>();
        OpenClTransfers before = null;
        for (int s = 0; s < STEPS; s++) {
            if (s == STEPS - 100 && !device.isCpu()) {
                before = OpenClBackend.transfers();
            }
            Tensor[] xy = batch(templates, data);
            losses.add(step.run(xy[0].to(device), xy[1].to(device)).lossValue());
        }
        if (before != null) {
            transfers.add(OpenClBackend.transfers().since(before));
        }
        return losses;
    }

    @Test
    void theFashionMlpOnOpenClFollowsTheCpusLossCurveAndStaysOnTheDevice() {
        Device device = opencl();
        List<Double> cpu = losses(Device.CPU, new ArrayList<>());
        List<OpenClTransfers> transfers = new ArrayList<>();
        List<Double> onDevice = losses(device, transfers);
        for (int s = 0; s < STEPS; s++) {
            assertEquals(cpu.get(s), onDevice.get(s), 2e-3 * (1 + Math.abs(cpu.get(s))), "loss at step " + s);
        }
        assertTrue(cpu.get(STEPS - 1) < 0.5 * cpu.get(0), "the model learns: " + cpu.get(0) + " -> "
                + cpu.get(STEPS - 1));
        OpenClTransfers last100 = transfers.get(0);
        System.out.println("opencl, 100 training steps of the Fashion MLP: " + last100);
        // per step: the batch's x and y up; the loss and the targets' class check down; nothing else
        assertEquals(200, last100.uploads(), last100.toString());
        assertEquals(100L * BATCH * (784 * 4 + 8), last100.uploadedBytes(), last100.toString());
        assertEquals(200, last100.downloads(), last100.toString());
        assertEquals(100L * (4 + 8 * BATCH), last100.downloadedBytes(), last100.toString());
    }
}
