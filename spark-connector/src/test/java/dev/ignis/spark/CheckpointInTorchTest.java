package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ignis.nn.BatchNorm1d;
import dev.ignis.nn.F;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.Reduction;
import dev.ignis.nn.Safetensors;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.Adam;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint resumed in PyTorch: Ignis writes one of a model trained with Adam (lr 0.01), then
 * takes one more step from it; tests/python/checkpoint_in_torch.py loads the checkpoint's model and
 * optimizer state into torch.nn / torch.optim.Adam by the documented keys, takes the same step and
 * must reach the same weights. The PyTorch half is skipped, saying why, where Debian's python3-torch
 * is missing (CI).
 */
class CheckpointInTorchTest {
    // BatchNorm before the Linear layer: after it, the Linear bias's gradient would be zero up to
    // rounding, and Adam's m / (√v + eps) of rounding noise differs between any two implementations
    private static final Supplier<Module> FACTORY = () -> new Sequential(new BatchNorm1d(4),
            new Linear(4, 3, true, new Generator(1)));

    private static void step(Module model, Adam adam, Tensor x) {
        adam.zeroGrad();
        F.mseLoss(model.call(x), Tensor.zeros(x.size(0), 3), Reduction.MEAN).backward();
        adam.step();
    }

    @Test
    void pyTorchResumesTheCheckpointToTheSameWeights(@TempDir Path dir) throws Exception {
        Tensor x = Tensor.randn(new Generator(5), 8, 4);
        Module model = FACTORY.get();
        Adam adam = new Adam(model.parameters(), new Adam.Options().lr(0.01));
        for (int i = 0; i < 3; i++) {
            step(model, adam, x);
        }
        Checkpoints checkpoints = new Checkpoints(dir.toString(), new Configuration(), 0, FACTORY);
        checkpoints.write(new Checkpoint(3, 0, 3, ModelVector.weights(model), ModelVector.counters(model),
                OptimizerVector.of(adam), Hyperparameters.of(adam), null, null, null, null, 0, 0, List.of(),
                new RunSettings(0, 3, 8, 1, List.of(8), RunSettings.architecture(model)), List.of(), null, null));

        // Ignis resumes from the file, as a resumed run does, and takes one more step
        Checkpoint read = checkpoints.latest().checkpoint();
        Module resumed = FACTORY.get();
        ModelVector.load(resumed, read.weights(), read.counters());
        Adam resumedAdam = new Adam(resumed.parameters(), new Adam.Options());
        read.hyperparameters().applyTo(resumedAdam);
        read.optimizer().loadInto(resumedAdam);
        step(resumed, resumedAdam, x);
        Map<String, Tensor> io = new LinkedHashMap<>();
        io.put("x", x);
        resumed.stateDict().forEach((name, t) -> io.put("after." + name, t.detach()));
        Safetensors.save(io, dir.resolve("io.safetensors").toString());

        File python = new File("/usr/bin/python3");
        boolean torch = python.canExecute() && new ProcessBuilder(python.getPath(), "-c", "import torch")
                .start().waitFor() == 0;
        if (!torch) {
            System.out.println("CheckpointInTorchTest: skipping the PyTorch half: /usr/bin/python3 with torch is not"
                    + " installed (apt-get install python3-torch)");
        }
        Assumptions.assumeTrue(torch, "/usr/bin/python3 with torch is not installed (apt-get install python3-torch)");
        Path script = Path.of("..", "tests", "python", "checkpoint_in_torch.py").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(python.getPath(), script.toString(), dir.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(2, TimeUnit.MINUTES);
        System.out.println(out.strip());
        assertEquals(0, p.exitValue(), out);
        assertEquals(true, out.contains("checkpoint resumed in torch"), out);
        assertEquals(true, Files.exists(dir.resolve("round-000003.safetensors")));
    }
}
