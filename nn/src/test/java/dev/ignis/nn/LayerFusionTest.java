package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ignis.autograd.Profiler;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A Sequential runs BatchNorm2d → ReLU → MaxPool2d as one fused op in training, with the results
 * of running its children one by one: output, every parameter's gradient and the running
 * statistics; and runs them one by one where a hook must see the layers' own tensors.
 */
class LayerFusionTest {
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
        Sequential fused = cnn();
        Sequential separate = cnn();
        Generator gen = new Generator(3);
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.randn(gen, 6, 2, 7, 7);
            Profiled run = profiled(fused, x);
            Tensor a = run.output();
            assertEquals(1, run.profiler().calls("BatchNorm2d+ReLU+MaxPool2d forward"), "the three layers ran as one op");
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
    void aHookOnAnyOfTheThreeLayersRunsThemOneByOne() {
        Sequential net = cnn();
        AtomicInteger reluCalls = new AtomicInteger();
        net.get(2).registerForwardHook((m, in, out) -> {
            reluCalls.incrementAndGet();
            return null;
        });
        Tensor x = Tensor.randn(new Generator(5), 3, 2, 6, 6);
        Tensor y = net.call(x);
        assertEquals(1, reluCalls.get(), "the ReLU's own forward hook saw its call");
        assertArrayEquals(oneByOne(cnn(), x).toFloatArray(), y.toFloatArray());
    }

    @Test
    void evaluationUsesTheRunningStatisticsOneLayerAtATime() {
        Sequential net = cnn();
        Tensor x = Tensor.randn(new Generator(9), 4, 2, 6, 6);
        net.call(x);   // one training step moves the running statistics off their initial values
        net.eval();
        Profiled run = profiled(net, x);
        assertEquals(0, run.profiler().calls("BatchNorm2d+ReLU+MaxPool2d forward"));
        assertEquals(1, run.profiler().calls("BatchNorm2d forward"));
        assertArrayEquals(oneByOne(net, x).toFloatArray(), run.output().toFloatArray());
    }
}
