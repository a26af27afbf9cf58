package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.nn.F;
import dev.ignis.nn.LayerNorm;
import dev.ignis.nn.Module;
import dev.ignis.nn.MultiheadAttention;
import dev.ignis.nn.Safetensors;
import dev.ignis.nn.Transformer;
import dev.ignis.nn.TransformerDecoder;
import dev.ignis.nn.TransformerDecoderLayer;
import dev.ignis.nn.TransformerEncoder;
import dev.ignis.nn.TransformerEncoderLayer;
import dev.ignis.nn.TransformerLayerOptions;
import dev.ignis.nn.TransformerOptions;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays tests/fixtures/generate_transformer_fixtures.py (PyTorch 2.x): each case builds the
 * module from its configuration, loads PyTorch's state dict by PyTorch's keys (strict), runs the
 * forward with the same inputs and masks in the same mode, and backward with the same upstream
 * gradient; outputs, attention weights, input gradients and parameter gradients must match within
 * float32 tolerance. Covers scaled_dot_product_attention, MultiheadAttention (each mask kind,
 * kdim/vdim, bias_kv, zero_attn, unbatched, weights averaged or per head), encoder and decoder
 * layers (post/pre-norm × sequence/batch first × relu/gelu × train/eval, bias=False), stacks and
 * the full Transformer.
 */
class TransformerParityTest {
    private static final JsonNode CASES = Fixtures.load("transformer.json");
    private static final Map<String, Tensor> TENSORS = loadTensors();

    private static Map<String, Tensor> loadTensors() {
        try {
            Path file = Path.of(TransformerParityTest.class.getResource("/fixtures/transformer.safetensors").toURI());
            return Safetensors.load(file.toString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a case's forward returned. */
    private record Result(Tensor output, Tensor weights) {
    }

    @TestFactory
    Stream<DynamicTest> everyModuleMatchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : CASES.get("cases")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> replay(name, c)));
        }
        assertTrue(tests.size() >= 50, "fixture cases: " + tests.size());
        return tests.stream();
    }

    private static void replay(String name, JsonNode c) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (JsonNode arg : c.get("args")) {
            Tensor t = TENSORS.get(name + "/in." + arg.asText());
            assertNotNull(t, name + ": missing input " + arg.asText());
            in.put(arg.asText(), TENSORS.containsKey(name + "/grad." + arg.asText()) ? t.detach().requiresGrad(true) : t);
        }
        JsonNode cfg = c.get("config");
        Module module = build(c.get("kind").asText(), cfg);
        if (module != null) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            String prefix = name + "/state.";
            TENSORS.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    state.put(k.substring(prefix.length()), v);
                }
            });
            module.loadStateDict(state);
            module.train(c.get("train").asBoolean());
        }
        Result r = run(c.get("kind").asText(), cfg, module, in);
        Tensor loss = r.output().mul(TENSORS.get(name + "/upstream")).sum();
        if (r.weights() != null) {
            loss = loss.add(r.weights().mul(TENSORS.get(name + "/weights_upstream")).sum());
            CoreOpsParityTest.assertClose(name + " weights", TENSORS.get(name + "/weights"), r.weights());
        }
        CoreOpsParityTest.assertClose(name + " output", TENSORS.get(name + "/out"), r.output());
        loss.backward();
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            Tensor expected = TENSORS.get(name + "/grad." + e.getKey());
            if (expected != null) {
                CoreOpsParityTest.assertClose(name + " grad of " + e.getKey(), expected, e.getValue().grad());
            }
        }
        if (module != null) {
            module.namedParameters().forEach((k, p) -> CoreOpsParityTest.assertClose(name + " grad of " + k,
                    TENSORS.get(name + "/grad.state." + k), p.grad()));
        }
    }

    private static Module build(String kind, JsonNode cfg) {
        return switch (kind) {
            case "sdpa" -> null;
            case "mha" -> new MultiheadAttention(cfg.get("embed_dim").asInt(), cfg.get("num_heads").asInt(), 0.0,
                    cfg.get("bias").asBoolean(), cfg.get("add_bias_kv").asBoolean(), cfg.get("add_zero_attn").asBoolean(),
                    cfg.get("kdim").asInt(), cfg.get("vdim").asInt(), cfg.get("batch_first").asBoolean());
            case "encoder_layer" -> encoderLayer(cfg);
            case "decoder_layer" -> decoderLayer(cfg);
            case "encoder" -> new TransformerEncoder(encoderLayer(cfg), cfg.get("num_layers").asInt(),
                    new LayerNorm(cfg.get("d_model").asInt()));
            case "decoder" -> new TransformerDecoder(decoderLayer(cfg), cfg.get("num_layers").asInt(),
                    new LayerNorm(cfg.get("d_model").asInt()));
            case "transformer" -> new Transformer(options(new Transformer.Options(), cfg)
                    .dModel(cfg.get("d_model").asInt()).nhead(cfg.get("nhead").asInt())
                    .numEncoderLayers(cfg.get("num_encoder_layers").asInt())
                    .numDecoderLayers(cfg.get("num_decoder_layers").asInt()));
            default -> throw new IllegalArgumentException("unknown fixture kind " + kind);
        };
    }

    private static TransformerEncoderLayer encoderLayer(JsonNode cfg) {
        return new TransformerEncoderLayer(cfg.get("d_model").asInt(), cfg.get("nhead").asInt(),
                options(new TransformerLayerOptions(), cfg));
    }

    private static TransformerDecoderLayer decoderLayer(JsonNode cfg) {
        return new TransformerDecoderLayer(cfg.get("d_model").asInt(), cfg.get("nhead").asInt(),
                options(new TransformerLayerOptions(), cfg));
    }

    private static <T extends TransformerOptions<T>> T options(T o, JsonNode cfg) {
        return o.dimFeedforward(cfg.get("dim_feedforward").asInt()).dropout(0.0)
                .activation(cfg.get("activation").asText()).batchFirst(cfg.get("batch_first").asBoolean())
                .normFirst(cfg.get("norm_first").asBoolean()).bias(cfg.get("bias").asBoolean())
                .layerNormEps(cfg.get("layer_norm_eps").asDouble()).generator(new Generator(0));
    }

    private static Result run(String kind, JsonNode cfg, Module module, Map<String, Tensor> in) {
        return switch (kind) {
            case "sdpa" -> new Result(F.scaledDotProductAttention(in.get("q"), in.get("k"), in.get("v"),
                    in.get("attn_mask"), 0.0, cfg.get("is_causal").asBoolean(),
                    cfg.get("scale").isNull() ? null : cfg.get("scale").asDouble(), new Generator(0)), null);
            case "mha" -> {
                Tensor q = in.get("query");
                boolean self = cfg.get("self_attention").asBoolean();
                MultiheadAttention.Output o = ((MultiheadAttention) module).forward(q, self ? q : in.get("key"),
                        self ? q : in.get("value"), in.get("key_padding_mask"), cfg.get("need_weights").asBoolean(),
                        in.get("attn_mask"), cfg.get("average_attn_weights").asBoolean(),
                        cfg.get("is_causal").asBoolean());
                yield new Result(o.output(), o.weights());
            }
            case "encoder_layer" -> new Result(((TransformerEncoderLayer) module).forward(in.get("src"),
                    in.get("src_mask"), in.get("src_key_padding_mask"), false), null);
            case "decoder_layer" -> new Result(((TransformerDecoderLayer) module).forward(in.get("tgt"),
                    in.get("memory"), in.get("tgt_mask"), in.get("memory_mask"), in.get("tgt_key_padding_mask"),
                    in.get("memory_key_padding_mask"), false, false), null);
            case "encoder" -> new Result(((TransformerEncoder) module).forward(in.get("src"), in.get("mask"),
                    in.get("src_key_padding_mask"), false), null);
            case "decoder" -> new Result(((TransformerDecoder) module).forward(in.get("tgt"), in.get("memory"),
                    in.get("tgt_mask"), in.get("memory_mask"), in.get("tgt_key_padding_mask"),
                    in.get("memory_key_padding_mask"), false, false), null);
            case "transformer" -> new Result(((Transformer) module).forward(in.get("src"), in.get("tgt"),
                    in.get("src_mask"), in.get("tgt_mask"), in.get("memory_mask"), in.get("src_key_padding_mask"),
                    in.get("tgt_key_padding_mask"), in.get("memory_key_padding_mask"), false, false, false), null);
            default -> throw new IllegalArgumentException("unknown fixture kind " + kind);
        };
    }
}
