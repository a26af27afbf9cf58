package dev.ignis.tests.device;

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
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;

/**
 * Ignis' side of bench/gpu-steps.sh, as bench/gpu_step_torch.py: the Fashion MLP or CNN, batch B,
 * SGD with momentum, random data already on the device, the loss read once at the end; prints
 * samples/s over timed steps after a warm-up. Usage: GpuStepBench mlp|cnn BATCH STEPS [DEVICE].
 */
public final class GpuStepBench {
    private GpuStepBench() {
    }

    public static void main(String[] args) {
        String kind = args[0];
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        Device device = Device.of(args.length > 3 ? args[3] : "cuda");
        Generator.getDefault().manualSeed(0);
        Module net = kind.equals("mlp")
                ? new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
                        new Linear(128, 10))
                : Fusion.fuse(new Sequential(new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(),
                        new MaxPool2d(2), new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                        new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(), new Linear(128, 10)));
        net.to(device);
        SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.05).momentum(0.9));
        Generator gen = new Generator(1);
        Tensor x = Tensor.randn(gen, batch, 1, 28, 28).to(device);
        Tensor y = Tensor.randint(0, 10, gen, batch).to(device);
        Tensor loss = null;
        for (int i = 0; i < 20 + steps; i++) {
            if (i == 20) {
                loss.item();   // the warm-up done (a sync), the clock starts
                long start = System.nanoTime();
                for (int j = 0; j < steps; j++) {
                    loss = step(net, opt, x, y);
                }
                loss.item();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("ignis %s batch=%d steps=%d device=%s samples_per_s=%.0f%n", kind, batch, steps, device,
                        batch * steps / seconds);
                return;
            }
            loss = step(net, opt, x, y);
        }
    }

    private static Tensor step(Module net, SGD opt, Tensor x, Tensor y) {
        opt.zeroGrad();
        Tensor loss = F.crossEntropy(net.call(x), y);
        loss.backward();
        opt.step();
        return loss;
    }
}
