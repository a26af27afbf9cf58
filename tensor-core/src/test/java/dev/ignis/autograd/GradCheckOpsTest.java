package dev.ignis.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ignis.tensor.Convolution;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable op against finite differences (float64). One row per op and variant; the
 * closing note of the foundation issue lists these names.
 */
class GradCheckOpsTest {

    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).to(DType.FLOAT64).requiresGrad(true);
    }

    /** Values away from zero, for ops with a kink or a pole at 0 (log, sqrt, div, abs). */
    private static Tensor positive(long seed, int... shape) {
        return Tensor.rand(new Generator(seed), shape).add(0.5).to(DType.FLOAT64).requiresGrad(true);
    }

    private static Tensor index(long... values) {
        return Tensor.fromArray(values, values.length);
    }

    private static Arguments op(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        return Arguments.of(name, f, inputs);
    }

    static Stream<Arguments> ops() {
        return Stream.of(
                // arithmetic with broadcasting
                op("add", x -> x[0].add(x[1]), leaf(1, 2, 3), leaf(2, 3)),
                op("add(scalar)", x -> x[0].add(2.5), leaf(1, 2, 3)),
                op("sub", x -> x[0].sub(x[1]), leaf(1, 2, 1), leaf(2, 1, 4)),
                op("mul", x -> x[0].mul(x[1]), leaf(3, 3, 4), leaf(4, 1, 4)),
                op("div", x -> x[0].div(x[1]), leaf(5, 2, 3), positive(6, 3)),
                op("neg", x -> x[0].neg(), leaf(7, 4)),
                op("pow(scalar)", x -> x[0].pow(3.0), leaf(8, 2, 3)),
                op("pow(tensor)", x -> x[0].pow(x[1]), positive(9, 2, 3), leaf(10, 2, 3)),
                op("exp", x -> x[0].exp(), leaf(11, 2, 3)),
                op("log", x -> x[0].log(), positive(12, 2, 3)),
                op("sqrt", x -> x[0].sqrt(), positive(13, 5)),
                op("rsqrt", x -> x[0].rsqrt(), positive(14, 5)),
                op("abs", x -> x[0].abs(), leaf(15, 2, 4)),
                op("clamp", x -> x[0].clamp(-0.5, 0.7), leaf(16, 3, 4)),
                op("sign (zero gradient)", x -> x[0].sign().mul(x[0]), leaf(99, 3, 4)),
                op("maximum", x -> x[0].maximum(x[1]), leaf(17, 3, 4), leaf(18, 4)),
                op("minimum", x -> x[0].minimum(x[1]), leaf(19, 3, 4), leaf(20, 3, 1)),
                op("where", x -> Tensor.where(x[0].gt(0.0), x[0], x[1]), leaf(21, 3, 4), leaf(22, 4)),
                // activations
                op("relu", x -> x[0].relu(), leaf(23, 3, 4)),
                op("leaky_relu", x -> x[0].leakyRelu(0.1), leaf(24, 3, 4)),
                op("sigmoid", x -> x[0].sigmoid(), leaf(25, 3, 4)),
                op("tanh", x -> x[0].tanh(), leaf(26, 3, 4)),
                op("gelu", x -> x[0].gelu(), leaf(27, 3, 4)),
                op("gelu(tanh)", x -> x[0].gelu("tanh"), leaf(28, 3, 4)),
                op("silu", x -> x[0].silu(), leaf(29, 3, 4)),
                op("softplus", x -> x[0].softplus(2.0, 20.0), leaf(30, 3, 4)),
                op("elu", x -> x[0].elu(1.3), leaf(31, 3, 4)),
                op("softmax", x -> x[0].softmax(1), leaf(32, 3, 4)),
                op("log_softmax", x -> x[0].logSoftmax(0), leaf(33, 3, 4)),
                op("dropout", x -> x[0].dropout(0.4, true, new Generator(99)), leaf(34, 4, 5)),
                // reductions
                op("sum", x -> x[0].sum(), leaf(35, 3, 4)),
                op("sum(dims, keepdim)", x -> x[0].sum(new int[] {0, 2}, true), leaf(36, 2, 3, 4)),
                op("mean", x -> x[0].mean(1, false), leaf(37, 3, 4)),
                op("max(dim)", x -> x[0].max(1, false).values(), leaf(38, 3, 5)),
                op("min(dim, keepdim)", x -> x[0].min(0, true).values(), leaf(39, 3, 5)),
                op("max()", x -> x[0].max(), leaf(40, 3, 5)),
                op("var(unbiased)", x -> x[0].var(new int[] {1}, true, false), leaf(41, 3, 5)),
                op("var(biased, all)", x -> x[0].var(null, false, false), leaf(42, 3, 5)),
                op("std", x -> x[0].std(new int[] {0}, true, true), leaf(43, 4, 3)),
                op("logsumexp", x -> x[0].logsumexp(new int[] {1}, false), leaf(44, 3, 5)),
                op("norm(2)", x -> x[0].norm(), leaf(45, 3, 5)),
                op("norm(1, dim)", x -> x[0].norm(1, new int[] {1}, false), leaf(46, 3, 5)),
                op("norm(inf)", x -> x[0].norm(Double.POSITIVE_INFINITY, null, false), leaf(47, 3, 5)),
                op("norm(3)", x -> x[0].norm(3, new int[] {0}, true), leaf(48, 3, 5)),
                // linear algebra
                op("matmul(2d,2d)", x -> x[0].matmul(x[1]), leaf(49, 3, 4), leaf(50, 4, 2)),
                op("matmul(1d,1d)", x -> x[0].matmul(x[1]), leaf(51, 4), leaf(52, 4)),
                op("matmul(2d,1d)", x -> x[0].matmul(x[1]), leaf(53, 3, 4), leaf(54, 4)),
                op("matmul(1d,3d)", x -> x[0].matmul(x[1]), leaf(55, 4), leaf(56, 2, 4, 3)),
                op("matmul(batched broadcast)", x -> x[0].matmul(x[1]), leaf(57, 2, 1, 3, 4), leaf(58, 3, 4, 2)),
                op("matmul(3d,2d)", x -> x[0].matmul(x[1]), leaf(59, 2, 3, 4), leaf(60, 4, 5)),
                op("matmul(transposed)", x -> x[0].t().matmul(x[1].t()), leaf(61, 4, 3), leaf(62, 2, 4)),
                op("bmm", x -> x[0].bmm(x[1]), leaf(63, 2, 3, 4), leaf(64, 2, 4, 2)),
                // indexing
                op("gather", x -> x[0].gather(1, Tensor.fromArray(new long[] {0, 2, 1, 1, 0, 3}, 3, 2)), leaf(65, 3, 4)),
                op("scatter_add", x -> x[0].scatterAdd(0, Tensor.fromArray(new long[] {0, 2, 1, 0, 0, 2}, 2, 3), x[1]),
                        leaf(66, 3, 3), leaf(67, 2, 3)),
                op("index_select", x -> x[0].indexSelect(0, index(2, 0, 2)), leaf(68, 3, 4)),
                op("embedding", x -> Tensor.embedding(x[0], Tensor.fromArray(new long[] {1, 3, 1, 0}, 2, 2)), leaf(69, 4, 3)),
                op("cat", x -> Tensor.cat(List.of(x[0], x[1]), 1), leaf(70, 2, 3), leaf(71, 2, 2)),
                op("stack", x -> Tensor.stack(List.of(x[0], x[1]), 0), leaf(72, 2, 3), leaf(73, 2, 3)),
                op("split", x -> x[0].split(2, 1).get(1), leaf(74, 2, 5)),
                op("chunk", x -> x[0].chunk(3, 0).get(2).mul(x[0].chunk(3, 0).get(0)), leaf(75, 6, 2)),
                // views
                op("view/reshape", x -> x[0].view(4, 3).reshape(2, 6), leaf(76, 3, 4)),
                op("reshape(non-contiguous)", x -> x[0].t().reshape(12), leaf(77, 3, 4)),
                op("flatten", x -> x[0].flatten(1, 2), leaf(78, 2, 3, 2)),
                op("permute", x -> x[0].permute(2, 0, 1), leaf(79, 2, 3, 4)),
                op("transpose", x -> x[0].transpose(0, 2), leaf(80, 2, 3, 4)),
                op("expand", x -> x[0].expand(2, 3, 4), leaf(81, 3, 1)),
                op("squeeze/unsqueeze", x -> x[0].squeeze(1).unsqueeze(0), leaf(82, 3, 1, 2)),
                op("narrow", x -> x[0].narrow(1, 1, 2), leaf(83, 3, 4)),
                op("slice(step)", x -> x[0].slice(0, 1, 6, 2), leaf(84, 6, 2)),
                op("select", x -> x[0].select(1, -1), leaf(85, 3, 4)),
                op("clone/contiguous", x -> x[0].t().contiguous().clone(), leaf(86, 3, 4)),
                // convolution and pooling
                op("conv2d", x -> Convolution.conv2d(x[0], x[1], x[2], new int[] {1, 1}, new int[] {1, 1},
                        new int[] {1, 1}, 1), leaf(87, 2, 2, 4, 4), leaf(88, 3, 2, 3, 3), leaf(89, 3)),
                op("conv2d(stride, dilation, groups)", x -> Convolution.conv2d(x[0], x[1], null, new int[] {2, 1},
                        new int[] {0, 2}, new int[] {1, 2}, 2), leaf(90, 1, 4, 5, 5), leaf(91, 2, 2, 2, 3)),
                op("conv1d", x -> Convolution.conv1d(x[0], x[1], x[2], 2, 1, 1, 1), leaf(92, 2, 3, 7), leaf(93, 2, 3, 3),
                        leaf(94, 2)),
                op("conv_transpose2d", x -> Convolution.convTranspose2d(x[0], x[1], x[2], new int[] {2, 1},
                        new int[] {1, 0}, new int[] {1, 0}, 1, new int[] {1, 1}), leaf(101, 2, 3, 3, 4),
                        leaf(102, 3, 2, 3, 2), leaf(103, 2)),
                op("conv_transpose2d(groups, dilation)", x -> Convolution.convTranspose2d(x[0], x[1], null,
                        new int[] {1, 2}, new int[] {1, 1}, new int[] {0, 1}, 2, new int[] {2, 1}), leaf(104, 1, 4, 4, 3),
                        leaf(105, 4, 1, 2, 3)),
                op("batch_norm (training, composed reference)", x -> dev.ignis.tensor.BatchNormalization.train(x[0], x[1],
                        x[2], 1e-5).output(), leaf(106, 3, 2, 2, 2), leaf(107, 2), leaf(108, 2)),
                op("max_pool2d", x -> Convolution.maxPool2d(x[0], new int[] {2, 2}, null, new int[] {1, 0},
                        new int[] {1, 1}), leaf(95, 1, 2, 5, 4)),
                op("avg_pool2d", x -> Convolution.avgPool2d(x[0], new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 1}),
                        leaf(96, 2, 1, 5, 5)),
                op("max_pool1d", x -> Convolution.maxPool1d(x[0], 3, 2, 1, 1), leaf(97, 1, 2, 7)),
                op("avg_pool1d", x -> Convolution.avgPool1d(x[0], 2, 2, 0), leaf(98, 1, 2, 6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void gradientMatchesFiniteDifferences(String name, Function<Tensor[], Tensor> f, Tensor[] inputs) {
        GradCheck.check(f, inputs);
    }

    @Test
    void gradcheckDetectsAWrongGradient() {
        // x·sign-free trick: detach one factor, so autograd sees d(x·c)/dx = c but numerics see 2x.
        Tensor x = leaf(100, 3);
        assertThrows(GradCheck.GradCheckFailure.class, () -> GradCheck.check(t -> t[0].mul(t[0].detach()), x));
    }
}
