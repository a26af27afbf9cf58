package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.tensor.Convolution;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays tests/fixtures/generate_core_fixtures.py: each op's output and input gradients must
 * match PyTorch's within float32 tolerance. |ignis − torch| ≤ 1e-5·|torch| + 1e-5: the absolute
 * part covers sums of a few dozen float32 products, which Ignis accumulates in a different order
 * (and partly in double) than PyTorch.
 */
class CoreOpsParityTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-5;
    private static final JsonNode FIXTURES = Fixtures.load("core_ops.json");

    private static final Map<String, Function<Tensor[], Tensor>> OPS = new LinkedHashMap<>();

    private static void op(String name, Function<Tensor[], Tensor> f) {
        OPS.put(name, f);
    }

    static {
        op("add", x -> x[0].add(x[1]));
        op("sub", x -> x[0].sub(x[1]));
        op("mul", x -> x[0].mul(x[1]));
        op("div", x -> x[0].div(x[1]));
        op("pow_scalar", x -> x[0].pow(3.0));
        op("pow_tensor", x -> x[0].pow(x[1]));
        op("exp", x -> x[0].exp());
        op("log", x -> x[0].log());
        op("sqrt", x -> x[0].sqrt());
        op("rsqrt", x -> x[0].rsqrt());
        op("abs", x -> x[0].abs());
        op("neg", x -> x[0].neg());
        op("clamp", x -> x[0].clamp(-0.5, 0.5));
        op("maximum", x -> x[0].maximum(x[1]));
        op("minimum", x -> x[0].minimum(x[1]));
        op("where", x -> Tensor.where(x[0].gt(0.0), x[0], x[1]));
        op("relu", x -> x[0].relu());
        op("leaky_relu", x -> x[0].leakyRelu(0.2));
        op("sigmoid", x -> x[0].sigmoid());
        op("tanh", x -> x[0].tanh());
        op("gelu", x -> x[0].gelu());
        op("gelu_tanh", x -> x[0].gelu("tanh"));
        op("silu", x -> x[0].silu());
        op("softplus", x -> x[0].softplus(2.0, 3.0));
        op("elu", x -> x[0].elu(1.5));
        op("softmax", x -> x[0].softmax(1));
        op("log_softmax", x -> x[0].logSoftmax(0));
        op("sum_all", x -> x[0].sum());
        op("sum_dims_keepdim", x -> x[0].sum(new int[] {0, 2}, true));
        op("mean_dim", x -> x[0].mean(1, false));
        op("max_dim", x -> x[0].max(1, false).values());
        op("min_dim_keepdim", x -> x[0].min(0, true).values());
        op("var_unbiased", x -> x[0].var(new int[] {1}, true, false));
        op("var_biased_all", x -> x[0].var(null, false, false));
        op("std_keepdim", x -> x[0].std(new int[] {0}, true, true));
        op("logsumexp", x -> x[0].logsumexp(new int[] {1}, false));
        op("norm2", x -> x[0].norm());
        op("norm1_dim", x -> x[0].norm(1, new int[] {1}, false));
        op("norm_inf", x -> x[0].norm(Double.POSITIVE_INFINITY, null, false));
        op("matmul_2d", x -> x[0].matmul(x[1]));
        op("matmul_vec", x -> x[0].matmul(x[1]));
        op("matmul_dot", x -> x[0].matmul(x[1]));
        op("matmul_batched_broadcast", x -> x[0].matmul(x[1]));
        op("matmul_3d_2d", x -> x[0].matmul(x[1]));
        op("bmm", x -> x[0].bmm(x[1]));
        op("gather", x -> x[0].gather(1, x[1]));
        op("scatter_add", x -> x[0].scatterAdd(0, x[1], x[2]));
        op("index_select", x -> x[0].indexSelect(0, x[1]));
        op("embedding", x -> Tensor.embedding(x[0], x[1]));
        op("one_hot", x -> Tensor.oneHot(x[0], 5));
        op("cat", x -> Tensor.cat(List.of(x[0], x[1]), 1));
        op("stack", x -> Tensor.stack(List.of(x[0], x[1]), 1));
        op("split_1", x -> x[0].split(2, 1).get(1));
        op("chunk_2", x -> x[0].chunk(3, 0).get(2));
        op("transpose_reshape", x -> x[0].transpose(0, 1).reshape(2, 6));
        op("permute", x -> x[0].permute(2, 0, 1));
        op("expand", x -> x[0].expand(2, 3, 4));
        op("narrow_select", x -> x[0].narrow(1, 1, 2).select(0, -1));
        op("slice_step", x -> x[0].slice(0, 1, 6, 2));
        op("conv2d", x -> Convolution.conv2d(x[0], x[1], x[2], new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1));
        op("conv2d_stride_dilation_groups", x -> Convolution.conv2d(x[0], x[1], null, new int[] {2, 1},
                new int[] {0, 2}, new int[] {1, 2}, 2));
        op("conv1d", x -> Convolution.conv1d(x[0], x[1], x[2], 2, 1, 1, 1));
        op("max_pool2d", x -> Convolution.maxPool2d(x[0], new int[] {2, 2}, null, new int[] {0, 0}, new int[] {1, 1}));
        op("max_pool2d_pad_stride", x -> Convolution.maxPool2d(x[0], new int[] {3, 3}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1}));
        op("avg_pool2d", x -> Convolution.avgPool2d(x[0], new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}));
        op("max_pool1d", x -> Convolution.maxPool1d(x[0], 3, 2, 1, 1));
        op("avg_pool1d", x -> Convolution.avgPool1d(x[0], 2, 2, 0));
    }

    @Test
    void everyFixtureCaseHasAJavaOpAndViceVersa() {
        Set<String> fixtureNames = new HashSet<>();
        for (JsonNode c : FIXTURES.get("cases")) {
            fixtureNames.add(c.get("name").asText());
        }
        assertEquals(fixtureNames, OPS.keySet());
    }

    @TestFactory
    Stream<DynamicTest> outputsAndGradientsMatchPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : FIXTURES.get("cases")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> replay(name, c)));
        }
        return tests.stream();
    }

    private static void replay(String name, JsonNode c) {
        Function<Tensor[], Tensor> f = OPS.get(name);
        assertNotNull(f, "no Java op for fixture " + name);
        JsonNode inputs = c.get("inputs");
        Tensor[] x = new Tensor[inputs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Fixtures.tensor(inputs.get(i));
            if (x[i].dtype().isFloatingPoint()) {
                x[i].requiresGrad(true);
            }
        }
        Tensor out = f.apply(x);
        assertClose(name + " output", Fixtures.tensor(c.get("output")), out);
        if (c.has("upstream")) {
            out.backward(Fixtures.tensor(c.get("upstream")), false);
            JsonNode grads = c.get("grads");
            for (int i = 0; i < x.length; i++) {
                if (!grads.get(i).isNull()) {
                    assertNotNull(x[i].grad(), name + ": input " + i + " got no gradient");
                    assertClose(name + " grad of input " + i, Fixtures.tensor(grads.get(i)), x[i].grad());
                }
            }
        }
    }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        if (!expected.dtype().isFloatingPoint()) {
            assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
            return;
        }
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            double tol = ATOL + RTOL * Math.abs(e[i]);
            assertTrue(Math.abs(e[i] - a[i]) <= tol, what + ": element " + i + " expected " + e[i] + " got " + a[i]);
        }
    }

    @TestFactory
    Stream<DynamicTest> toStringMatchesPyTorchRepr() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode r : FIXTURES.get("reprs")) {
            tests.add(DynamicTest.dynamicTest(r.get("name").asText(), () -> {
                Tensor t = Fixtures.tensor(r.get("tensor"));
                if (r.get("requires_grad").asBoolean()) {
                    t.requiresGrad(true);
                }
                assertEquals(r.get("repr").asText(), t.toString());
            }));
        }
        return tests.stream();
    }

    @Test
    void fixturesComeFromRealPyTorch() {
        assertTrue(FIXTURES.get("torch_version").asText().startsWith("1.13"), "fixtures were generated with torch "
                + FIXTURES.get("torch_version"));
        assertEquals(DType.FLOAT32, Fixtures.tensor(FIXTURES.get("cases").get(0).get("output")).dtype());
    }
}
