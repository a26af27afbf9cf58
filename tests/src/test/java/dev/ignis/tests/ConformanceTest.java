package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ignis.backend.Backend;
import dev.ignis.backend.Backends;
import dev.ignis.backend.cpu.CpuBackend;
import dev.ignis.backend.cpu.CpuOptions.GemmRoute;
import dev.ignis.backend.cpu.CpuOptions;
import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.F;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Fusion;
import dev.ignis.nn.LayerNorm;
import dev.ignis.nn.MultiheadAttention;
import dev.ignis.nn.Transformer;
import dev.ignis.nn.TransformerEncoderLayer;
import dev.ignis.nn.TransformerLayerOptions;
import dev.ignis.nn.Linear;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Reduction;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.Adagrad;
import dev.ignis.optim.Adam;
import dev.ignis.optim.AdamW;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.RMSprop;
import dev.ignis.optim.SGD;
import dev.ignis.tensor.BatchNormReluMaxPool;
import dev.ignis.tensor.BatchNormalization;
import dev.ignis.tensor.Convolution;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One suite over every way Ignis can compute: each CPU route (pure-Java loops against the native
 * library, each GEMM route, Winograd against im2col, the CPU's own kernels against the kernel
 * families' references composed from primitives) and every other available device a backend
 * registers (an accelerator joins by being discovered). Every case (ops, layers, losses,
 * optimizer steps) runs on each and is compared, output and gradients, with the reference
 * route: pure Java, every kernel family through its reference, within float32 tolerance.
 */
class ConformanceTest {
    /** Per tensor: |got − want| ≤ TOLERANCE·(1 + max |want|). */
    private static final double TOLERANCE = 2e-5;

    /** A way to compute: a backend for the device type it serves, and the device tensors go to. */
    private record Target(String name, Backend backend, Device device) {
        List<double[]> run(Function<Device, List<Tensor>> computation) {
            try (var ignored = Backends.use(backend)) {
                List<double[]> results = new ArrayList<>();
                for (Tensor t : computation.apply(device)) {
                    assertEquals(device, t.device(), name + ": a result left the device");
                    results.add(t.toDoubleArray());
                }
                return results;
            }
        }
    }

    private static final Target REFERENCE = new Target("reference (pure Java, families composed from primitives)",
            new CpuBackend(CpuOptions.javaOnly().ownKernels(false)), Device.CPU);

    /** Every CPU route, then every other available device. */
    private static List<Target> targets() {
        List<Target> targets = new ArrayList<>(List.of(
                cpu("cpu: pure-Java kernels", CpuOptions.javaOnly()),
                cpu("cpu: defaults (own GEMM kernel, native loops, Winograd)", CpuOptions.defaults()),
                cpu("cpu: OpenBLAS in place, im2col", CpuOptions.defaults().gemm(GemmRoute.OPENBLAS_IN_PLACE)
                        .winograd(false)),
                cpu("cpu: OpenBLAS copied, Java loops", CpuOptions.defaults().gemm(GemmRoute.OPENBLAS_COPIED)
                        .nativeLoops(false)),
                cpu("cpu: native primitives, every family's reference", CpuOptions.defaults().ownKernels(false))));
        for (Backends.Found f : Backends.discovered()) {
            if (f.availability().available() && !f.backend().deviceType().equals(DeviceType.CPU)) {
                targets.add(new Target(f.backend().name(), f.backend(), new Device(f.backend().deviceType(), 0)));
            }
        }
        return targets;
    }

    private static Target cpu(String name, CpuOptions options) {
        return new Target(name, new CpuBackend(options), Device.CPU);
    }

    /** The cases: each builds its inputs from fixed seeds on the device, and returns outputs and gradients. */
    private static Map<String, Function<Device, List<Tensor>>> cases() {
        Map<String, Function<Device, List<Tensor>>> cases = new LinkedHashMap<>();
        cases.put("broadcast add, mul, div", d -> {
            Tensor a = leaf(d, 1, 4, 5);
            Tensor b = leaf(d, 2, 5);
            return withGrads(a.add(b).mul(a).div(b.abs().add(1.0)), a, b);
        });
        cases.put("matmul (own kernel sizes)", d -> {
            Tensor a = leaf(d, 3, 64, 784);
            Tensor b = leaf(d, 4, 784, 256);
            return withGrads(a.matmul(b), a, b);
        });
        cases.put("matmul (k > 1024, OpenBLAS sizes), transposed operand", d -> {
            Tensor a = leaf(d, 5, 9, 1100);
            Tensor b = leaf(d, 6, 17, 1100);
            return withGrads(a.matmul(b.t()), a, b);
        });
        cases.put("bmm with a broadcast batch", d -> {
            Tensor a = leaf(d, 7, 3, 4, 5);
            Tensor b = leaf(d, 8, 5, 6);
            return withGrads(a.matmul(b), a, b);
        });
        cases.put("linear", d -> {
            Tensor x = leaf(d, 9, 64, 20);
            Tensor w = leaf(d, 10, 30, 20);
            Tensor bias = leaf(d, 11, 30);
            return withGrads(F.linear(x, w, bias).relu(), x, w, bias);
        });
        cases.put("activations", d -> {
            Tensor x = leaf(d, 12, 6, 7);
            return withGrads(x.relu().add(x.gelu()).add(x.sigmoid()).add(x.tanh()).add(x.silu()), x);
        });
        cases.put("pointwise math", d -> {
            Tensor x = leaf(d, 41, 5, 6);
            Tensor y = leaf(d, 42, 5, 6);
            Tensor positive = x.abs().add(0.5);
            Tensor z = positive.pow(1.5).add(positive.log()).add(positive.sqrt()).add(x.exp().mul(0.1))
                    .add(x.clamp(-0.5, 0.7)).add(x.leakyRelu(0.02)).add(x.softplus(2.0, 20.0)).add(x.elu(0.8))
                    .add(x.maximum(y)).sub(x.minimum(y).neg()).add(Tensor.where(x.gt(y), x, y.mul(3.0)));
            return withGrads(z, x, y);
        });
        cases.put("embedding, group norm, adaptive average pooling", d -> {
            Tensor weight = leaf(d, 43, 7, 4);
            Tensor tokens = Tensor.fromArray(new long[] {3, 0, 6, 3, 1, 2}, 2, 3).to(d);
            Tensor x = leaf(d, 44, 2, 4, 5, 5);
            Tensor w = leaf(d, 45, 4);
            Tensor b = leaf(d, 46, 4);
            Tensor y = F.embedding(tokens, weight, -1).sum().add(F.groupNorm(x, 2, w, b, 1e-5).mul(x).sum())
                    .add(F.adaptiveAvgPool2d(x, 2, 3).pow(2.0).sum());
            return withGrads(y, weight, x, w, b);
        });
        cases.put("softmax and log_softmax over both dims", d -> {
            Tensor x = leaf(d, 13, 5, 9);
            return withGrads(x.softmax(0).add(x.logSoftmax(1)).add(x.logSoftmax(0)), x);
        });
        cases.put("reductions", d -> {
            Tensor x = leaf(d, 14, 4, 6, 5);
            Tensor y = x.sum(new int[] {0, 2}, true).add(x.mean(1, true)).add(x.var(new int[] {2}, true, true));
            return withGrads(y.add(x.max(2, true).values()), x);
        });
        cases.put("more reductions, stack, split, chunk", d -> {
            Tensor x = leaf(d, 49, 4, 6);
            Tensor parts = Tensor.stack(x.split(2, 1), 0).sum(new int[] {0}, false);
            Tensor y = x.std(new int[] {1}, true, true).add(x.logsumexp(new int[] {0}, true))
                    .add(x.norm(2.0, new int[] {1}, true)).add(parts.sum(new int[] {1}, true))
                    .add(Tensor.cat(x.chunk(3, 0), 0).mul(0.5));
            Tensor argmax = x.argmax(1, false).to(DType.FLOAT32);
            return append(withGrads(y, x), argmax);
        });
        cases.put("instance norm, cross entropy with weights, smoothing and probability targets", d -> {
            Tensor x = leaf(d, 50, 2, 3, 4, 4);
            Tensor logits = leaf(d, 51, 5, 4);
            Tensor weight = Tensor.of(1f, 2f, 0.5f, 1.5f).to(d);
            Tensor target = Tensor.fromArray(new long[] {3, 0, 2, 1, -100}, 5).to(d);
            Tensor probs = Tensor.rand(new Generator(52), 5, 4).to(d).softmax(1);
            Tensor y = F.instanceNorm(x, null, null, 1e-5).pow(2.0).sum()
                    .add(F.crossEntropy(logits, target, weight, -100, Reduction.MEAN, 0.1))
                    .add(F.crossEntropy(logits, probs, null, -100, Reduction.SUM, 0.0));
            return withGrads(y, x, logits);
        });
        cases.put("gather, scatter_add, index_select, cat", d -> {
            Tensor x = leaf(d, 15, 4, 6);
            Tensor index = Tensor.fromArray(new long[] {0, 5, 2, 2, 1, 3, 4, 0}, 4, 2).to(d);
            Tensor picked = x.gather(1, index).mul(2.0);
            Tensor rows = x.indexSelect(0, Tensor.fromArray(new long[] {3, 0, 3}, 3).to(d));
            Tensor scattered = Tensor.zeros(DType.FLOAT32, d, 4, 6).scatterAdd(1, index, picked);
            return withGrads(Tensor.cat(List.of(scattered, rows), 0), x);
        });
        cases.put("conv2d 3x3 padding 1 (Winograd where it applies)", d -> {
            Tensor x = leaf(d, 16, 4, 8, 10, 10);
            Tensor w = leaf(d, 17, 16, 8, 3, 3);
            Tensor b = leaf(d, 18, 16);
            return withGrads(F.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1), x, w, b);
        });
        cases.put("conv2d stride 2, dilation 2, 2 groups", d -> {
            Tensor x = leaf(d, 19, 2, 4, 11, 9);
            Tensor w = leaf(d, 20, 6, 2, 3, 2);
            return withGrads(F.conv2d(x, w, null, new int[] {2, 1}, new int[] {1, 2}, new int[] {2, 1}, 2), x, w);
        });
        cases.put("conv2d one input channel (direct), conv1d", d -> {
            Tensor x = leaf(d, 21, 3, 1, 9, 9);
            Tensor w = leaf(d, 22, 5, 1, 3, 3);
            Tensor s = leaf(d, 23, 2, 3, 12);
            Tensor k = leaf(d, 24, 4, 3, 3);
            Tensor y = F.conv2d(x, w, null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1).sum();
            return withGrads(y.add(F.conv1d(s, k, null, 2, 1, 1, 1).sum()), x, w, s, k);
        });
        cases.put("conv_transpose2d", d -> {
            Tensor x = leaf(d, 25, 2, 4, 5, 5);
            Tensor w = leaf(d, 26, 4, 3, 3, 3);
            Tensor b = leaf(d, 27, 3);
            return withGrads(Convolution.convTranspose2d(x, w, b, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 1,
                    new int[] {1, 1}), x, w, b);
        });
        cases.put("max_pool2d (tiling, and 3x3 stride 2 padding 1), avg_pool2d", d -> {
            Tensor x = leaf(d, 28, 2, 3, 8, 8);
            Tensor y = F.maxPool2d(x, new int[] {2, 2}, null, new int[] {0, 0}, new int[] {1, 1}).sum()
                    .add(F.maxPool2d(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}).sum())
                    .add(F.avgPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}).sum());
            return withGrads(y, x);
        });
        cases.put("batch norm (training)", d -> {
            Tensor x = leaf(d, 29, 4, 3, 5, 5);
            Tensor w = leaf(d, 30, 3);
            Tensor b = leaf(d, 31, 3);
            BatchNormalization.Result r = BatchNormalization.train(x, w, b, 1e-5);
            return append(withGrads(r.output(), x, w, b), r.mean(), r.var());
        });
        cases.put("batch norm + relu + max pool (tiling and not)", d -> {
            Tensor x = leaf(d, 32, 4, 3, 8, 8);
            Tensor w = leaf(d, 33, 3);
            Tensor b = leaf(d, 34, 3);
            BatchNormalization.Result tiled = BatchNormReluMaxPool.train(x, w, b, 1e-5, new int[] {2, 2}, null,
                    new int[] {0, 0}, new int[] {1, 1});
            BatchNormalization.Result other = BatchNormReluMaxPool.train(x, w, b, 1e-5, new int[] {3, 3},
                    new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1});
            Tensor y = tiled.output().sum().add(other.output().mul(other.output()).sum());
            return append(withGrads(y, x, w, b), tiled.mean(), tiled.var());
        });
        cases.put("losses: cross entropy, nll with ignore_index, mse, bce with logits", d -> {
            Tensor logits = leaf(d, 35, 6, 5);
            Tensor target = Tensor.fromArray(new long[] {1, 0, 4, -100, 2, 2}, 6).to(d);
            Tensor probs = Tensor.rand(new Generator(36), 6, 5).to(d);
            Tensor y = F.crossEntropy(logits, target, null, -100, Reduction.MEAN, 0.0)
                    .add(F.nllLoss(logits.logSoftmax(1), target, null, -100, Reduction.SUM))
                    .add(F.mseLoss(logits, probs, Reduction.MEAN))
                    .add(F.binaryCrossEntropyWithLogits(logits, probs, null, null, Reduction.MEAN));
            return withGrads(y, logits);
        });
        cases.put("losses: l1, smooth l1, huber, bce, kl_div", d -> {
            Tensor x = leaf(d, 47, 6, 5);
            Tensor t = Tensor.rand(new Generator(48), 6, 5).to(d);
            Tensor p = x.sigmoid();
            Tensor y = F.l1Loss(x, t, Reduction.MEAN).add(F.smoothL1Loss(x, t, Reduction.SUM, 0.5))
                    .add(F.huberLoss(x, t, Reduction.MEAN, 0.7)).add(F.binaryCrossEntropy(p, t, null, Reduction.MEAN))
                    .add(F.klDiv(x.logSoftmax(1), t.softmax(1), Reduction.SUM, false));
            return withGrads(y, x);
        });
        cases.put("layers: fused CNN, layer norm", d -> {
            Generator.getDefault().manualSeed(37);
            Module cnn = Fusion.fuse(new Sequential(new Conv2d(2, 8, 3, 1, 1), new BatchNorm2d(8), new ReLU(),
                    new MaxPool2d(2), new Flatten(), new Linear(8 * 4 * 4, 10)));
            Module norm = new LayerNorm(new int[] {10}, 1e-5, true);
            cnn.to(d);
            norm.to(d);
            Tensor x = leaf(d, 38, 3, 2, 8, 8);
            Tensor y = norm.call(cnn.call(x));
            List<Tensor> params = new ArrayList<>(cnn.parameters());
            params.addAll(norm.parameters());
            params.add(x);
            return append(withGrads(y, params.toArray(new Tensor[0])), cnn.stateDict().get("1.running_var"));
        });
        cases.put("scaled dot-product attention: broadcast float mask, bool mask, causal", d -> {
            Tensor q = leaf(d, 50, 2, 2, 5, 4);
            Tensor k = leaf(d, 51, 2, 2, 6, 4);
            Tensor v = leaf(d, 52, 2, 2, 6, 3);
            Tensor floatMask = Tensor.randn(new Generator(53), 2, 1, 5, 6).to(d);
            Tensor boolMask = Tensor.randn(new Generator(54), 5, 6).gt(-0.5).logicalOr(
                    Tensor.arange(6).reshape(1, 6).eq(0.0)).to(d);
            Tensor y = F.scaledDotProductAttention(q, k, v, floatMask, 0, false, null, new Generator(1))
                    .add(F.scaledDotProductAttention(q, k, v, boolMask, 0, false, 0.7, new Generator(1)))
                    .add(F.scaledDotProductAttention(q, k, v, null, 0, true, null, new Generator(1)));
            return withGrads(y, q, k, v);
        });
        cases.put("transformer encoder layer with masks, multi-head attention weights", d -> {
            Module layer = new TransformerEncoderLayer(8, 2, new TransformerLayerOptions().dimFeedforward(16)
                    .dropout(0).batchFirst(true).normFirst(true).activation("gelu").generator(new Generator(55)));
            MultiheadAttention mha = new MultiheadAttention(8, 2, 0.0, true, true, true, 8, 8, false,
                    new Generator(56));
            layer.to(d);
            mha.to(d);
            Tensor x = leaf(d, 57, 2, 5, 8);
            Tensor padding = Tensor.fromArray(new float[] {0, 0, 0, 1, 1, 0, 0, 0, 0, 1}, 2, 5).gt(0.5).to(d);
            Tensor y = ((TransformerEncoderLayer) layer).forward(x, Transformer.generateSquareSubsequentMask(5).to(d),
                    padding, false);
            MultiheadAttention.Output o = mha.forward(y.transpose(0, 1), y.transpose(0, 1), y.transpose(0, 1));
            List<Tensor> params = new ArrayList<>(layer.parameters());
            params.addAll(mha.parameters());
            params.add(x);
            return withGrads(o.output().transpose(0, 1).add(o.weights().sum(2, true).transpose(0, 1).mean()),
                    params.toArray(new Tensor[0]));
        });
        cases.put("optimizer steps: SGD with momentum, Adam, AdamW, RMSprop, Adagrad", d -> {
            List<Tensor> out = new ArrayList<>();
            for (int which = 0; which < 5; which++) {
                Tensor p = leaf(d, 39, 5, 4);
                Tensor x = leaf(d, 40, 8, 5).detach();
                List<Tensor> params = List.of(p);
                Optimizer opt = switch (which) {
                    case 0 -> new SGD(params, new SGD.Options().lr(0.1).momentum(0.9).nesterov(true));
                    case 1 -> new Adam(params, new Adam.Options().lr(0.01));
                    case 2 -> new AdamW(params, new AdamW.Options().lr(0.01).weightDecay(0.1));
                    case 3 -> new RMSprop(params, new RMSprop.Options().lr(0.01).momentum(0.5).centered(true));
                    default -> new Adagrad(params, new Adagrad.Options().lr(0.1));
                };
                for (int step = 0; step < 3; step++) {
                    opt.zeroGrad();
                    x.matmul(p).tanh().sum().backward();
                    opt.step();
                }
                out.add(p.detach());
            }
            return out;
        });
        return cases;
    }

    /** A float32 leaf of standard-normal values from {@code seed}, on {@code device}, requiring grad. */
    private static Tensor leaf(Device device, long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).to(device).requiresGrad(true);
    }

    /** y, then the gradients of Σ y·r (r fixed random weights) with respect to each input. */
    private static List<Tensor> withGrads(Tensor y, Tensor... inputs) {
        Tensor weights = Tensor.randn(new Generator(99), y.shape()).to(y.device());
        y.mul(weights).sum().backward();
        List<Tensor> out = new ArrayList<>();
        out.add(y.detach());
        for (Tensor t : inputs) {
            out.add(t.grad());
        }
        return out;
    }

    private static List<Tensor> append(List<Tensor> list, Tensor... more) {
        List<Tensor> out = new ArrayList<>(list);
        out.addAll(List.of(more));
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOnEveryTargetMatchesTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Function<Device, List<Tensor>>> c : cases().entrySet()) {
            List<double[]> want = REFERENCE.run(c.getValue());
            for (Target target : targets()) {
                tests.add(DynamicTest.dynamicTest(c.getKey() + " on " + target.name(),
                        () -> compare(c.getKey(), target.name(), want, target.run(c.getValue()))));
            }
        }
        for (Target target : targets()) {
            if (!target.device().isCpu()) {
                tests.add(DynamicTest.dynamicTest("device report: " + target.name(), () -> report(target)));
            }
        }
        return tests.stream();
    }

    /**
     * For the CI log: which accelerator the cases ran on and, for opencl, how many kernels it
     * executed (every dispatch checked to have run in OpenCL on that device, not in a fallback).
     */
    private static void report(Target target) {
        String reason = Backends.discovered().stream().filter(f -> f.backend() == target.backend())
                .map(f -> f.availability().reason()).findFirst().orElse("");
        String kernels = "";
        if (target.device().type().equals(dev.ignis.tensor.DeviceType.OPENCL)) {
            long dispatches = dev.ignis.backend.opencl.OpenClBackend.transfers().dispatches();
            assertTrue(dispatches > 0, "no kernel ran on " + reason);
            kernels = "; kernels executed on the device so far: " + dispatches;
        }
        System.out.println("conformance on " + target.name() + " (" + reason + ")" + kernels);
    }

    private static void compare(String name, String target, List<double[]> want, List<double[]> got) {
        assertEquals(want.size(), got.size(), name + ": number of results");
        for (int r = 0; r < want.size(); r++) {
            double[] w = want.get(r);
            double[] g = got.get(r);
            assertEquals(w.length, g.length, name + ": result " + r + " size");
            double scale = 0;
            for (double v : w) {
                scale = Math.max(scale, Math.abs(v));
            }
            double bound = TOLERANCE * (1 + scale);
            for (int i = 0; i < w.length; i++) {
                boolean bothNaN = Double.isNaN(w[i]) && Double.isNaN(g[i]);
                if (!bothNaN && !(Math.abs(w[i] - g[i]) <= bound)) {
                    fail(name + " on " + target + ": result " + r + " element " + i + ": want " + w[i] + ", got "
                            + g[i] + " (bound " + bound + ")");
                }
            }
        }
    }
}
