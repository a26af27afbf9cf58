package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ignis.nn.custom.TwoLayerNet;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    private static final Configuration CONF = new Configuration();

    /** Every layer ModuleTree describes by arguments, with non-default arguments, plus argument-free ones. */
    private static Module everyKind() {
        return new Sequential(
                new Conv2d(3, 4, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 1, false,
                        Generator.getDefault()),
                Conv2d.same(4, 4, new int[] {3, 3}, new int[] {1, 1}, 2, true, Generator.getDefault()),
                new BatchNorm2d(4, 1e-3, Double.NaN, true, true),
                new ReLU(),
                new MaxPool2d(new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}),
                new AvgPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}),
                new Flatten(1, -1),
                new Dropout(0.25),
                new Linear(24, 6, false, Generator.getDefault()),
                new BatchNorm1d(6, 1e-5, 0.3, false, true),
                new LayerNorm(new int[] {6}, 1e-4, true, false),
                new GELU("tanh"),
                new LeakyReLU(0.2),
                new Identity(),
                new Sequential(new Linear(6, 5), new Tanh(), new Sigmoid(), new SiLU()),
                new LogSoftmax(1));
    }

    @Test
    void aSavedModelLoadsAsTheSameLayersWeightsAndOutputsWithoutItsCode(@TempDir Path dir) {
        Generator.getDefault().manualSeed(3);
        Module model = everyKind();
        model.train();
        model.call(Tensor.randn(new Generator(1), 2, 3, 8, 8));   // moves the running statistics off their initial values
        model.eval();
        String uri = dir.resolve("m").toString();
        ModelDirectory.save(model, uri, Map.of("classes", List.of("a", "b")), CONF);

        ModelDirectory.Loaded loaded = ModelDirectory.load(uri, CONF);
        loaded.model().eval();
        assertEquals(model.toString(), loaded.model().toString());
        assertEquals("[\"a\",\"b\"]", loaded.metadata().get("classes").toString());
        Tensor x = Tensor.randn(new Generator(2), 2, 3, 8, 8);
        assertArrayEquals(model.call(x).toFloatArray(), loaded.model().call(x).toFloatArray());
        model.stateDict().forEach((k, v) -> assertArrayEquals(v.toDoubleArray(),
                loaded.model().stateDict().get(k).toDoubleArray(), k));
    }

    @Test
    void aDescriptionWrittenByHandBuildsThePyTorchArchitectureItNames() throws IOException {
        String json = """
                {"type": "Sequential", "children": [
                  {"type": "Conv2d", "arguments": {"in_channels": 1, "out_channels": 8, "kernel_size": [3, 3],
                   "stride": [1, 1], "padding": [1, 1], "dilation": [1, 1], "groups": 1, "bias": true}},
                  {"type": "ReLU"},
                  {"type": "Flatten", "arguments": {"start_dim": 1, "end_dim": -1}},
                  {"type": "Linear", "arguments": {"in_features": 72, "out_features": 10, "bias": true}}]}""";
        Module m = ModuleTree.build(new ObjectMapper().readTree(json));
        // torch.nn.Sequential(Conv2d(1, 8, 3, padding=1), ReLU(), Flatten(), Linear(72, 10)) prints so
        assertEquals("""
                Sequential(
                  (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                  (1): ReLU()
                  (2): Flatten(start_dim=1, end_dim=-1)
                  (3): Linear(in_features=72, out_features=10, bias=True)
                )""", m.toString());
    }

    @Test
    void aModuleOfAnotherPackageIsSavedByItsClassAndRebuiltByItsConstructor(@TempDir Path dir) {
        Module net = new Sequential(new TwoLayerNet(), new ReLU());
        assertEquals("dev.ignis.nn.custom.TwoLayerNet", ModuleTree.describe(net).get("children").get(0)
                .get("class").asText());
        String uri = dir.resolve("custom").toString();
        ModelDirectory.save(net, uri, Map.of(), CONF);
        Module back = ModelDirectory.load(uri, CONF).model();
        Tensor x = Tensor.randn(new Generator(5), 3, 4);
        assertArrayEquals(net.call(x).toFloatArray(), back.call(x).toFloatArray());
    }

    @Test
    void modulesItCannotRebuildAreRefusedNamedBeforeAnythingIsWritten(@TempDir Path dir) throws IOException {
        String uri = dir.resolve("m").toString();
        ModelDirectory.save(new Sequential(new Linear(2, 2)), uri, Map.of(), CONF);
        byte[] before = Files.readAllBytes(dir.resolve("m").resolve(ModelDirectory.WEIGHTS));

        Module fused = Fusion.fuse(new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(),
                new MaxPool2d(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.save(fused, uri, Map.of(), CONF));
        assertTrue(e.getMessage().contains("model.1 (BatchNormReluMaxPool2d)"), e.getMessage());
        assertTrue(e.getMessage().contains("before Fusion.fuse"), e.getMessage());

        Module anonymous = new Sequential(new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        });
        e = assertThrows(IllegalArgumentException.class, () -> ModelDirectory.save(anonymous, uri, Map.of(), CONF));
        assertTrue(e.getMessage().contains("model.0") && e.getMessage().contains("public no-arg constructor"),
                e.getMessage());
        // the earlier model is untouched, and no temporary directory is left beside it
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("m").resolve(ModelDirectory.WEIGHTS)));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("m"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void malformedDescriptionsAndMissingFilesAreNamed(@TempDir Path dir) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.load(dir.toString(), CONF));
        assertTrue(e.getMessage().contains("has no model.json"), e.getMessage());

        ObjectMapper json = new ObjectMapper();
        e = assertThrows(IllegalArgumentException.class, () -> ModuleTree.build(json.readTree(
                "{\"type\": \"Sequential\", \"children\": [{\"type\": \"Linear\", \"arguments\": {\"in_features\": 2}}]}")));
        assertEquals("ModuleTree: model.0 (Linear): argument 'out_features' is missing", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModuleTree.build(json.readTree(
                "{\"type\": \"Dropout\", \"arguments\": {\"p\": \"half\"}}")));
        assertEquals("ModuleTree: model (Dropout): argument 'p' is of the wrong type: \"half\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModuleTree.build(json.readTree("{\"type\": \"Conv9d\"}")));
        assertEquals("ModuleTree: model has unknown type 'Conv9d'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModuleTree.build(json.readTree(
                "{\"class\": \"com.example.Missing\"}")));
        assertTrue(e.getMessage().contains("class com.example.Missing is not on the class path"), e.getMessage());

        String uri = dir.resolve("m").toString();
        ModelDirectory.save(new Linear(3, 2), uri, Map.of(), CONF);
        Files.delete(dir.resolve("m").resolve(ModelDirectory.WEIGHTS));
        Safetensors.save(Map.of("weight", Tensor.zeros(2, 3)), dir.resolve("m").resolve(ModelDirectory.WEIGHTS).toString());
        e = assertThrows(IllegalArgumentException.class, () -> ModelDirectory.load(uri, CONF));
        assertTrue(e.getMessage().contains("model.safetensors does not fit the architecture"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
