package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.Profiler;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Fusion#fuse} puts one module in place of each BatchNorm2d → ReLU → MaxPool2d run, with the
 * results of running the layers one by one: output, every parameter's gradient, the running
 * statistics and the state-dict keys; it leaves runs with hooks alone; and without the pass a
 * Sequential runs its children one by one.
 */
class FusionTest {
    private static Sequential cnn() {
        Generator.getDefault().manualSeed(11);
        return new Sequential(new Conv2d(2, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(4 * 3 * 3, 5));
    }

    /** The children's calls one after another: what Sequential did before fusion. */
    private static Tensor oneByOne(Sequential net, Tensor x) {
        Tensor y = x;
        for (Module m : net.children()) {
            y = m.call(y);
        }
        return y;
    }

    private record Profiled(Tensor output, Profiler profiler) {
    }

    /** net on x with a profiler recording (closed again when this returns). */
    private static Profiled profiled(Sequential net, Tensor x) {
        Profiler profiler = Profiler.start();
        try {
            return new Profiled(net.call(x), profiler);
        } finally {
            profiler.close();
        }
    }

    @Test
    void trainingStepsMatchTheLayersRunOneByOne() {
        Sequential fused = Fusion.fuse(cnn());
        Sequential separate = cnn();
        assertEquals(separate.stateDict().keySet(), fused.stateDict().keySet());
        assertTrue(fused.get(1) instanceof BatchNormReluMaxPool2d, fused.toString());
        assertTrue(fused.get(2) instanceof Identity && fused.get(3) instanceof Identity, fused.toString());
        Generator gen = new Generator(3);
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.randn(gen, 6, 2, 7, 7);
            Profiled run = profiled(fused, x);
            Tensor a = run.output();
            assertEquals(1, run.profiler().calls("BatchNormReluMaxPool2d forward"), "the three layers ran as one op");
            assertEquals(0, run.profiler().calls("ReLU forward"));
            Tensor b = oneByOne(separate, x);
            assertArrayEquals(b.toFloatArray(), a.toFloatArray(), "output at step " + step);
            a.sum().backward();
            b.sum().backward();
            Map<String, Tensor> pa = fused.namedParameters();
            Map<String, Tensor> pb = separate.namedParameters();
            for (String name : pb.keySet()) {
                assertArrayEquals(pb.get(name).grad().toFloatArray(), pa.get(name).grad().toFloatArray(), 1e-5f,
                        name + " gradient at step " + step);
            }
            Map<String, Tensor> sa = fused.stateDict();
            Map<String, Tensor> sb = separate.stateDict();
            for (String buffer : List.of("1.running_mean", "1.running_var", "1.num_batches_tracked")) {
                assertArrayEquals(sb.get(buffer).toDoubleArray(), sa.get(buffer).toDoubleArray(), buffer);
            }
        }
    }

    @Test
    void aHookOnAnyOfTheThreeLayersKeepsThemApart() {
        Sequential net = cnn();
        AtomicInteger reluCalls = new AtomicInteger();
        net.get(2).registerForwardHook((m, in, out) -> {
            reluCalls.incrementAndGet();
            return null;
        });
        Fusion.fuse(net);
        assertTrue(net.get(2) instanceof ReLU, net.toString());
        Tensor x = Tensor.randn(new Generator(5), 3, 2, 6, 6);
        Tensor y = net.call(x);
        assertEquals(1, reluCalls.get(), "the ReLU's own forward hook saw its call");
        assertArrayEquals(oneByOne(cnn(), x).toFloatArray(), y.toFloatArray());
    }

    @Test
    void evaluationUsesTheRunningStatistics() {
        Sequential separate = cnn();
        Sequential net = Fusion.fuse(cnn());
        Tensor x = Tensor.randn(new Generator(9), 4, 2, 6, 6);
        net.call(x);   // one training step moves the running statistics off their initial values
        separate.call(x);
        net.eval();
        separate.eval();
        assertArrayEquals(oneByOne(separate, x).toFloatArray(), net.call(x).toFloatArray());
        assertEquals(separate.stateDict().get("1.running_mean").toDoubleArray()[0],
                net.stateDict().get("1.running_mean").toDoubleArray()[0]);
    }

    @Test
    void withoutThePassASequentialRunsEveryChild() {
        Profiled run = profiled(cnn(), Tensor.randn(new Generator(4), 2, 2, 6, 6));
        assertEquals(0, run.profiler().calls("BatchNormReluMaxPool2d forward"));
        assertEquals(1, run.profiler().calls("ReLU forward"));
        assertEquals(1, run.profiler().calls("BatchNorm2d forward"));
    }

    @Test
    void nestedSequentialsAreFusedAndLoadedStateStillReachesTheBatchNorm() {
        Generator.getDefault().manualSeed(3);
        Sequential inner = new Sequential(new BatchNorm2d(2), new ReLU(), new MaxPool2d(2));
        Sequential model = new Sequential(new Conv2d(1, 2, 3, 1, 1), inner);
        Map<String, Tensor> before = model.stateDict();
        Fusion.fuse(model);
        assertTrue(inner.get(0) instanceof BatchNormReluMaxPool2d, model.toString());
        assertEquals(before.keySet(), model.stateDict().keySet());
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(model.stateDict());
        state.put("1.0.weight", Tensor.full(3.0, 2));
        model.loadStateDict(state, true);
        assertEquals(3.0, model.namedParameters().get("1.0.weight").get(1));
    }
}
