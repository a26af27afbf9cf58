package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.F;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Linear;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Safetensors;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.SGD;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights move both ways between Ignis and PyTorch through safetensors files: a model trained
 * here loads into PyTorch (tests/python/safetensors_roundtrip.py checks its outputs), and the
 * PyTorch-trained state dict that script writes loads here and gives PyTorch's outputs. The
 * PyTorch half is skipped, with the reason printed, where Debian's python3-torch is missing (CI).
 */
class SafetensorsRoundTripTest {

    static Sequential model() {
        return new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64, 16), new ReLU(), new Linear(16, 3));
    }

    /** Trains a few SGD steps, saves the model and an (input, output) probe; returns the model. */
    static Sequential trainAndSave(Path dir) {
        Generator g = new Generator(5);
        Sequential m = model();
        SGD opt = new SGD(m.parameters(), new SGD.Options().lr(0.1).momentum(0.9));
        Tensor x = Tensor.randn(g, 8, 1, 8, 8);
        Tensor y = Tensor.randint(0, 3, g, 8);
        for (int i = 0; i < 5; i++) {
            opt.zeroGrad();
            F.crossEntropy(m.call(x), y).backward();
            opt.step();
        }
        m.eval();
        Tensor probe = Tensor.randn(g, 4, 1, 8, 8);
        Map<String, Tensor> io = new LinkedHashMap<>();
        try (var ignored = GradMode.noGrad()) {
            io.put("input", probe);
            io.put("output", m.call(probe));
        }
        Safetensors.save(m.stateDict(), dir.resolve("ignis_model.safetensors").toUri().toString());
        Safetensors.save(io, dir.resolve("ignis_io.safetensors").toUri().toString());
        return m;
    }

    @Test
    void stateDictsRoundTripThroughSafetensorsInJava(@TempDir Path dir) {
        Sequential trained = trainAndSave(dir);
        Sequential fresh = model();
        Map<String, Tensor> loaded = Safetensors.load(dir.resolve("ignis_model.safetensors").toUri().toString());
        assertEquals(trained.stateDict().keySet(), loaded.keySet());
        fresh.loadStateDict(loaded, true);
        fresh.eval();
        Map<String, Tensor> io = Safetensors.load(dir.resolve("ignis_io.safetensors").toString());
        try (var ignored = GradMode.noGrad()) {
            assertTrue(fresh.call(io.get("input")).allclose(io.get("output"), 0, 0), "bit-identical after reload");
        }
        File[] leftovers = dir.toFile().listFiles((d, n) -> n.endsWith(".tmp"));
        assertEquals(0, leftovers.length, "no temporary files left behind");
    }

    @Test
    void corruptFilesAreRejectedWithThePath(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {(byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.load(bad.toString()));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("not a safetensors file"),
                e.getMessage());
    }

    @Test
    void weightsMoveBothWaysWithPyTorch(@TempDir Path dir) throws Exception {
        File python = new File("/usr/bin/python3");
        boolean torch = python.canExecute() && run(new ProcessBuilder(python.getPath(), "-c", "import torch")) == 0;
        if (!torch) {
            System.out.println("SafetensorsRoundTripTest: skipping the PyTorch half: /usr/bin/python3 with torch is not"
                    + " installed (apt-get install python3-torch)");
        }
        Assumptions.assumeTrue(torch, "/usr/bin/python3 with torch is not installed (apt-get install python3-torch)");
        trainAndSave(dir);
        Path script = locate("tests/python/safetensors_roundtrip.py");
        ProcessBuilder pb = new ProcessBuilder(python.getPath(), script.toString(), dir.toString()).redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        System.out.print(output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("round trip ok"), output);

        Sequential fromTorch = model();
        fromTorch.loadStateDict(Safetensors.load(dir.resolve("torch_model.safetensors").toString()), true);
        fromTorch.eval();
        Map<String, Tensor> io = Safetensors.load(dir.resolve("torch_io.safetensors").toString());
        try (var ignored = GradMode.noGrad()) {
            Tensor out = fromTorch.call(io.get("input"));
            assertTrue(out.allclose(io.get("output"), 1e-4, 1e-5), "torch -> ignis outputs differ: " + out + " vs "
                    + io.get("output"));
        }
        assertFalse(fromTorch.isTraining());
    }

    private static int run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /** The repository file {@code relative}, from the module directory Maven runs tests in. */
    private static Path locate(String relative) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + here);
    }
}
