package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.nn.AdaptiveAvgPool2d;
import dev.ignis.nn.AvgPool2d;
import dev.ignis.nn.BatchNorm1d;
import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv1d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.Dropout;
import dev.ignis.nn.ELU;
import dev.ignis.nn.Embedding;
import dev.ignis.nn.F;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.GELU;
import dev.ignis.nn.GroupNorm;
import dev.ignis.nn.Identity;
import dev.ignis.nn.InstanceNorm2d;
import dev.ignis.nn.LayerNorm;
import dev.ignis.nn.LeakyReLU;
import dev.ignis.nn.Linear;
import dev.ignis.nn.LogSoftmax;
import dev.ignis.nn.MaxPool1d;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Reduction;
import dev.ignis.nn.SiLU;
import dev.ignis.nn.Sequential;
import dev.ignis.nn.Sigmoid;
import dev.ignis.nn.Softmax;
import dev.ignis.nn.Softplus;
import dev.ignis.nn.Tanh;
import dev.ignis.nn.Unflatten;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays tests/fixtures/generate_nn_fixtures.py: every layer loads PyTorch's state dict by
 * PyTorch's keys (strict), then train-mode output, input and parameter gradients, buffers after
 * the training step and eval-mode output must match; every loss its value and input gradient.
 * Tolerance as CoreOpsParityTest (float32).
 */
class NnParityTest {
    private static final JsonNode FIXTURES = Fixtures.load("nn.json");

    private static Module layer(String name) {
        Generator g = new Generator(0);
        return switch (name) {
            case "linear" -> new Linear(5, 3);
            case "linear_no_bias_3d" -> new Linear(4, 2, false, g);
            case "conv1d" -> new Conv1d(3, 4, 3, 2, 1, 1, 1, true, g);
            case "conv2d" -> new Conv2d(3, 4, 3, 1, 1);
            case "conv2d_stride_groups_dilation" -> new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0},
                    new int[] {1, 2}, 2, true, g);
            case "conv2d_same" -> Conv2d.same(2, 3, new int[] {3, 3}, new int[] {1, 1}, 1, false, g);
            case "conv_transpose2d" -> new dev.ignis.nn.ConvTranspose2d(3, 2, new int[] {3, 3}, new int[] {2, 2},
                    new int[] {1, 1}, new int[] {1, 1}, 1, true, new int[] {1, 1}, g);
            case "conv_transpose2d_groups_dilation" -> new dev.ignis.nn.ConvTranspose2d(4, 6, new int[] {2, 3},
                    new int[] {1, 2}, new int[] {0, 1}, new int[] {0, 0}, 2, false, new int[] {2, 1}, g);
            case "maxpool1d" -> new MaxPool1d(3, 2, 1, 1);
            case "maxpool2d" -> new MaxPool2d(2);
            case "avgpool2d" -> new AvgPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1});
            case "adaptive_avgpool2d_even" -> new AdaptiveAvgPool2d(2);
            case "adaptive_avgpool2d_uneven" -> new AdaptiveAvgPool2d(3, 2);
            case "batchnorm1d" -> new BatchNorm1d(4);
            case "batchnorm1d_3d" -> new BatchNorm1d(3, 1e-5, 0.3, true, true);
            case "batchnorm2d" -> new BatchNorm2d(3);
            case "batchnorm2d_cumulative" -> new BatchNorm2d(2, 1e-5, Double.NaN, false, true);
            case "layernorm" -> new LayerNorm(6);
            case "layernorm_2d_shape" -> new LayerNorm(new int[] {3, 4}, 1e-3, true);
            case "groupnorm" -> new GroupNorm(2, 4);
            case "instancenorm2d_affine" -> new InstanceNorm2d(3, 1e-5, true);
            case "embedding_padding" -> new Embedding(6, 3, 2, g);
            case "relu" -> new ReLU();
            case "leaky_relu" -> new LeakyReLU(0.05);
            case "gelu" -> new GELU();
            case "gelu_tanh" -> new GELU("tanh");
            case "silu" -> new SiLU();
            case "elu" -> new ELU(0.7);
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "softplus" -> new Softplus(2, 5);
            case "softmax" -> new Softmax(1);
            case "log_softmax" -> new LogSoftmax(-1);
            case "flatten" -> new Flatten();
            case "unflatten" -> new Unflatten(1, 2, 3);
            case "identity" -> new Identity();
            case "dropout_eval_identity" -> new Dropout(0.3);
            case "dropout2d_eval_identity" -> new dev.ignis.nn.Dropout2d(0.3, g);
            case "sequential_cnn" -> new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(),
                    new MaxPool2d(2), new Flatten(), new Linear(36, 5));
            default -> throw new IllegalArgumentException("no Java layer for fixture " + name);
        };
    }

    @TestFactory
    Stream<DynamicTest> layersMatchPyTorchInTrainAndEvalMode() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : FIXTURES.get("layers")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Module m = layer(name);
                Map<String, Tensor> state = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = c.get("state").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    state.put(e.getKey(), Fixtures.tensor(e.getValue()));
                }
                assertEquals(List.copyOf(state.keySet()), List.copyOf(m.stateDict().keySet()), name + ": state-dict keys");
                m.loadStateDict(state, true);
                Tensor x = Fixtures.tensor(c.get("input"));
                boolean evalOnly = name.endsWith("_eval_identity");   // training-mode dropout is random
                if (x.dtype().isFloatingPoint() && !evalOnly) {
                    x.requiresGrad(true);
                }
                if (evalOnly) {
                    m.eval();
                    CoreOpsParityTest.assertClose(name + " eval output", Fixtures.tensor(c.get("eval_output")), m.call(x));
                    return;
                }
                m.train();
                Tensor out = m.call(x);
                CoreOpsParityTest.assertClose(name + " train output", Fixtures.tensor(c.get("train_output")), out);
                out.backward(Fixtures.tensor(c.get("upstream")), false);
                if (!c.get("input_grad").isNull()) {
                    CoreOpsParityTest.assertClose(name + " input grad", Fixtures.tensor(c.get("input_grad")), x.grad());
                }
                Map<String, Tensor> params = m.namedParameters();
                for (Iterator<Map.Entry<String, JsonNode>> it = c.get("param_grads").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Tensor p = params.get(e.getKey());
                    assertNotNull(p, name + ": no parameter " + e.getKey());
                    CoreOpsParityTest.assertClose(name + " grad of " + e.getKey(), Fixtures.tensor(e.getValue()), p.grad());
                }
                Map<String, Tensor> buffers = m.namedBuffers();
                for (Iterator<Map.Entry<String, JsonNode>> it = c.get("buffers_after_train").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    CoreOpsParityTest.assertClose(name + " buffer " + e.getKey(), Fixtures.tensor(e.getValue()),
                            buffers.get(e.getKey()));
                }
                m.eval();
                try (var ignored = dev.ignis.autograd.GradMode.noGrad()) {
                    CoreOpsParityTest.assertClose(name + " eval output", Fixtures.tensor(c.get("eval_output")), m.call(x));
                }
            }));
        }
        return tests.stream();
    }

    private static Tensor optional(JsonNode c, String key) {
        return c.has(key) ? Fixtures.tensor(c.get(key)) : null;
    }

    private static BiFunction<Tensor, Tensor, Tensor> loss(String name, JsonNode c) {
        Tensor w = optional(c, "weight");
        return switch (name) {
            case "cross_entropy", "cross_entropy_probs", "cross_entropy_spatial" -> F::crossEntropy;
            case "cross_entropy_weight_ignore" -> (a, b) -> F.crossEntropy(a, b, w, -100, Reduction.MEAN, 0);
            case "cross_entropy_smoothing" -> (a, b) -> F.crossEntropy(a, b, null, -100, Reduction.MEAN, 0.2);
            case "cross_entropy_smoothing_weight_ignore" -> (a, b) -> F.crossEntropy(a, b, w, -100, Reduction.MEAN, 0.1);
            case "cross_entropy_sum" -> (a, b) -> F.crossEntropy(a, b, null, -100, Reduction.SUM, 0);
            case "cross_entropy_none" -> (a, b) -> F.crossEntropy(a, b, null, -100, Reduction.NONE, 0);
            case "cross_entropy_probs_smoothing_weight" -> (a, b) -> F.crossEntropy(a, b, w, -100, Reduction.MEAN, 0.3);
            case "nll" -> (a, b) -> F.nllLoss(a, b, null, -100, Reduction.MEAN);
            case "nll_weight_ignore" -> (a, b) -> F.nllLoss(a, b, w, -100, Reduction.MEAN);
            case "mse" -> (a, b) -> F.mseLoss(a, b, Reduction.MEAN);
            case "mse_sum" -> (a, b) -> F.mseLoss(a, b, Reduction.SUM);
            case "l1" -> (a, b) -> F.l1Loss(a, b, Reduction.MEAN);
            case "smooth_l1" -> (a, b) -> F.smoothL1Loss(a, b, Reduction.MEAN, 0.5);
            case "huber" -> (a, b) -> F.huberLoss(a, b, Reduction.MEAN, 0.7);
            case "bce" -> (a, b) -> F.binaryCrossEntropy(a, b, null, Reduction.MEAN);
            case "bce_weight" -> (a, b) -> F.binaryCrossEntropy(a, b, w, Reduction.MEAN);
            case "bce_with_logits" -> (a, b) -> F.binaryCrossEntropyWithLogits(a, b, null, null, Reduction.MEAN);
            case "bce_with_logits_pos_weight" -> (a, b) -> F.binaryCrossEntropyWithLogits(a, b, null,
                    optional(c, "pos_weight"), Reduction.MEAN);
            case "kl_div_batchmean" -> (a, b) -> F.klDiv(a, b, Reduction.BATCHMEAN, false);
            case "kl_div_log_target_sum" -> (a, b) -> F.klDiv(a, b, Reduction.SUM, true);
            default -> throw new IllegalArgumentException("no Java loss for fixture " + name);
        };
    }

    @TestFactory
    Stream<DynamicTest> lossesMatchPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : FIXTURES.get("losses")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Tensor x = Fixtures.tensor(c.get("input")).requiresGrad(true);
                Tensor out = loss(name, c).apply(x, Fixtures.tensor(c.get("target")));
                CoreOpsParityTest.assertClose(name + " loss", Fixtures.tensor(c.get("loss")), out);
                out.backward(Fixtures.tensor(c.get("upstream")), false);
                CoreOpsParityTest.assertClose(name + " input grad", Fixtures.tensor(c.get("input_grad")), x.grad());
            }));
        }
        return tests.stream();
    }
}
