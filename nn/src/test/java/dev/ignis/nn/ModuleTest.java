package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.RemovableHandle;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** A small model with a nested child, a shared parameter and a non-persistent buffer. */
    static final class Net extends Module {
        final Sequential features;
        final Linear head;
        final Tensor scale;

        Net() {
            scale = registerParameter("scale", Tensor.ones(1));
            registerBuffer("steps", Tensor.zeros(DType.INT64, dev.ignis.tensor.Device.CPU), true);
            registerBuffer("cache", Tensor.zeros(2), false);
            features = registerModule("features", new Sequential(new Conv2d(1, 2, 3, 1, 1), new BatchNorm2d(2), new ReLU()));
            head = registerModule("head", new Linear(8, 3));
        }

        @Override
        public Tensor forward(Tensor x) {
            return head.call(features.call(x).flatten(1, -1)).mul(scale);
        }
    }

    @Test
    void stateDictKeysFollowPyTorchOrder() {
        Net net = new Net();
        assertEquals(List.of("scale", "steps", "features.0.weight", "features.0.bias", "features.1.weight",
                "features.1.bias", "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
                "head.weight", "head.bias"), List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("scale", "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                "head.weight", "head.bias"), List.copyOf(net.namedParameters().keySet()));
        assertTrue(net.namedBuffers().containsKey("cache"), "non-persistent buffers are buffers, just not saved");
        assertEquals(List.of("", "features", "features.0", "features.1", "features.2", "head"),
                List.copyOf(net.namedModules().keySet()));
        assertEquals("features.1", net.features.get(1).path());
    }

    @Test
    void loadStateDictReportsMissingUnexpectedAndShapeMismatches() {
        Net net = new Net();
        Map<String, Tensor> sd = new LinkedHashMap<>(new Net().stateDict());
        sd.remove("head.bias");
        sd.put("extra", Tensor.zeros(1));
        IllegalArgumentException strict = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd, true));
        assertTrue(strict.getMessage().contains("Missing key(s) in state_dict: \"head.bias\"."), strict.getMessage());
        assertTrue(strict.getMessage().contains("Unexpected key(s) in state_dict: \"extra\"."), strict.getMessage());
        assertEquals(strict.getMessage(), assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd))
                .getMessage(), "strict by default, as PyTorch");
        LoadResult loose = net.loadStateDict(sd, false);
        assertEquals(List.of("head.bias"), loose.missingKeys());
        assertEquals(List.of("extra"), loose.unexpectedKeys());
        sd.put("head.weight", Tensor.zeros(3, 9));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd, false));
        assertTrue(shape.getMessage().contains("size mismatch for head.weight: copying a param with shape [3, 9] from"
                + " checkpoint, the shape in current model is [3, 8]."), shape.getMessage());
    }

    @Test
    void loadStateDictCopiesValuesIntoTheSameTensors() {
        Net a = new Net();
        Net b = new Net();
        Tensor weightBefore = b.head.weight();
        b.loadStateDict(a.stateDict(), true);
        assertSame(weightBefore, b.head.weight());
        assertArrayEquals(a.head.weight().toFloatArray(), b.head.weight().toFloatArray());
    }

    @Test
    void trainEvalApplyAndRequiresGradRecurse() {
        Net net = new Net();
        net.eval();
        assertFalse(net.features.get(1).isTraining());
        net.train();
        assertTrue(net.head.isTraining());
        List<String> order = new ArrayList<>();
        net.apply(m -> order.add(m.getClass().getSimpleName()));
        assertEquals(List.of("Conv2d", "BatchNorm2d", "ReLU", "Sequential", "Linear", "Net"), order, "post-order");
        net.requiresGrad(false);
        assertFalse(net.head.weight().requiresGrad());
    }

    @Test
    void toDtypeConvertsFloatingTensorsInPlaceOnly() {
        Net net = new Net();
        Tensor w = net.head.weight();
        net.to(DType.FLOAT64);
        assertSame(w, net.head.weight());
        assertEquals(DType.FLOAT64, w.dtype());
        assertEquals(DType.INT64, net.stateDict().get("features.1.num_batches_tracked").dtype());
        assertEquals(DType.FLOAT64, net.call(Tensor.randn(new Generator(1), 2, 1, 2, 2).to(DType.FLOAT64)).dtype());
    }

    @Test
    void hooksSeeAndReplaceValuesAndCanBeRemoved() {
        Linear lin = new Linear(2, 2);
        List<String> seen = new ArrayList<>();
        RemovableHandle pre = lin.registerForwardPreHook((m, in) -> in.mul(2.0));
        lin.registerForwardHook((m, in, out) -> {
            seen.add("forward " + java.util.Arrays.toString(out.shape()));
            return out.mul(0.0).add(1.0);
        });
        Tensor[] gradIn = new Tensor[1];
        lin.registerFullBackwardHook((m, gIn, gOut) -> {
            gradIn[0] = gIn;
            seen.add("backward " + java.util.Arrays.toString(gOut.toFloatArray()));
            return null;
        });
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = lin.call(x);
        assertArrayEquals(new float[] {1, 1}, y.toFloatArray());
        y.sum().backward();
        assertEquals(List.of("forward [2]", "backward [1.0, 1.0]"), seen);
        assertNotNull(gradIn[0]);
        pre.remove();
        Tensor[] input = new Tensor[1];
        lin.registerForwardPreHook((m, in) -> {
            input[0] = in;
            return null;
        });
        lin.call(x);
        assertSame(x, input[0], "the removed pre-hook no longer doubles the input");
    }

    @Test
    void reprAndSummaryLookLikePyTorch() {
        Sequential model = new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.2));
        assertEquals("Sequential(\n  (0): Linear(in_features=784, out_features=256, bias=True)\n  (1): ReLU()\n"
                + "  (2): Dropout(p=0.2, inplace=False)\n)", model.toString());
        assertEquals("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
                new Conv2d(1, 32, 3, 1, 1).toString());
        assertEquals("BatchNorm2d(32, eps=1.0E-5, momentum=0.1, affine=True, track_running_stats=True)",
                new BatchNorm2d(32).toString());
        String summary = new Sequential(new Flatten(), new Linear(4, 3), new ReLU()).summary(2, 2, 2);
        assertTrue(summary.contains("1 (Linear)") && summary.contains("[2, 3]") && summary.contains("15"), summary);
        assertTrue(summary.contains("Total params: 15"), summary);
    }

    @Test
    void badInputNamesTheLayerByItsPathInTheModel() {
        Net net = new Net();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.call(Tensor.zeros(2, 3, 2, 2)));
        assertEquals("layer 'features.0' (Conv2d): expected input [N, 1, H, W] (or [1, H, W]), got [2, 3, 2, 2]",
                e.getMessage());
        IllegalArgumentException linear = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(new Linear(4, 2)).call(Tensor.zeros(3, 5)));
        assertEquals("layer '0' (Linear): expected input with 4 features in the last dimension, got [3, 5]",
                linear.getMessage());
        IllegalArgumentException bn = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm1d(3).call(Tensor.zeros(1, 3)));
        assertTrue(bn.getMessage().startsWith("Expected more than 1 value per channel when training"), bn.getMessage());
    }

    @Test
    void parametersAreDedupedAndRegistrationIsChecked() {
        Linear shared = new Linear(2, 2);
        Sequential twice = new Sequential(shared, shared);
        assertEquals(2, twice.parameters().size());
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerParameter("a.b", Tensor.zeros(1));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        });
    }

    @Test
    void zeroGradClearsAllGradients() {
        Net net = new Net();
        net.call(Tensor.randn(new Generator(2), 2, 1, 2, 2)).sum().backward();
        assertNotNull(net.head.weight().grad());
        net.zeroGrad();
        for (Tensor p : net.parameters()) {
            assertEquals(null, p.grad());
        }
    }

    @Test
    void initFunctionsHaveTheirDocumentedStatistics() {
        Generator g = new Generator(3);
        Tensor w = dev.ignis.nn.init.Init.kaimingNormal_(Tensor.zeros(400, 100), 0, "fan_in", "relu", g);
        assertEquals(Math.sqrt(2.0 / 100), w.std().item(), 0.005);
        Tensor x = dev.ignis.nn.init.Init.xavierUniform_(Tensor.zeros(300, 200), 1.0, g);
        double bound = Math.sqrt(6.0 / 500);
        assertTrue(x.max().item() <= bound && x.min().item() >= -bound);
        Tensor q = dev.ignis.nn.init.Init.orthogonal_(Tensor.zeros(5, 3), 1.0, g);
        Tensor qtq = q.t().matmul(q);
        assertTrue(qtq.allclose(Tensor.eye(3), 1e-5, 1e-5), qtq.toString());
        Tensor t = dev.ignis.nn.init.Init.truncNormal_(Tensor.zeros(1000), 0, 1, -0.5, 0.5, g);
        assertTrue(t.abs().max().item() <= 0.5);
        assertEquals(5.0 / 3, dev.ignis.nn.init.Init.calculateGain("tanh", 0));
    }

    @Test
    void embeddingPaddingRowStaysZeroAndGetsNoGradient() {
        Embedding e = new Embedding(4, 2, 0, new Generator(1));
        assertArrayEquals(new float[] {0, 0}, e.weight().select(0, 0).toFloatArray());
        e.call(Tensor.fromArray(new long[] {0, 1, 0})).sum().backward();
        assertArrayEquals(new float[] {0, 0}, e.weight().grad().select(0, 0).toFloatArray());
        assertArrayEquals(new float[] {1, 1}, e.weight().grad().select(0, 1).toFloatArray());
    }
}
