package dev.ignis.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ignis.nn.Module;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * A {@link Checkpoint} as a safetensors file that PyTorch reads ({@code safetensors.torch.load_file}
 * for the tensors, {@code safe_open(f, "pt").metadata()} for the rest). Tensors, by key:
 * <ul>
 *   <li>{@code model.<name>}: the averaged model's state dict (PyTorch's key names);</li>
 *   <li>{@code optimizer.state.<i>.<key>}: the optimizer's state of parameter {@code i} (in
 *       {@code parameters()} order), as PyTorch's {@code optimizer.state_dict()["state"][i][key]};</li>
 *   <li>{@code swa_model.<name>}: the SWA average, where SWA has started;</li>
 *   <li>{@code best_model.<name>}: the best epoch's model, where validation judges epochs.</li>
 * </ul>
 * Metadata: {@code format} ({@value #FORMAT}), {@code checksum} (CRC-32 of every tensor's key and
 * values, in key order, so a damaged file is refused) and {@code checkpoint}, a JSON document:
 * {@code next_round}, {@code epoch}, {@code round_in_epoch}, {@code seed}, {@code param_groups}
 * (each group's hyperparameters, as PyTorch's {@code state_dict()["param_groups"]} without
 * {@code params}), {@code scheduler}, {@code swa_scheduler} (the schedulers' state dicts),
 * {@code swa_count}, {@code metrics} (per round), {@code epoch_metrics} and {@code settings} (what
 * a resumed run must match). Typed values inside them follow {@link TypedJson}.
 */
final class CheckpointFormat {
    static final String FORMAT = "ignis.checkpoint/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFormat() {
    }

    /** The tensors of {@code c}, named after a model that {@code factory} builds. */
    static Map<String, Tensor> tensors(Checkpoint c, Supplier<Module> factory) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        named(out, "model.", factory, c.weights(), c.counters());
        int at = 0;
        for (OptimizerVector.Slot slot : c.optimizer().layout()) {
            double[] v = java.util.Arrays.copyOfRange(c.optimizer().values(), at, at + slot.numel());
            at += slot.numel();
            out.put("optimizer.state." + slot.param() + "." + slot.key(),
                    Tensor.fromArray(v).reshape(slot.shape()).to(slot.dtype()));
        }
        if (c.swaWeights() != null) {
            named(out, "swa_model.", factory, c.swaWeights(), c.swaCounters());
        }
        if (c.bestWeights() != null) {
            named(out, "best_model.", factory, c.bestWeights(), c.bestCounters());
        }
        return out;
    }

    private static void named(Map<String, Tensor> out, String prefix, Supplier<Module> factory, float[] weights,
                              long[] counters) {
        Module model = factory.get();
        ModelVector.load(model, weights, counters);
        model.stateDict().forEach((name, t) -> out.put(prefix + name, t.detach()));
    }

    /** The metadata of {@code c}, with the checksum of {@code tensors}. */
    static Map<String, String> metadata(Checkpoint c, Map<String, Tensor> tensors) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("next_round", c.nextRound());
        doc.put("epoch", c.epoch());
        doc.put("round_in_epoch", c.roundInEpoch());
        doc.put("seed", c.seed());
        doc.set("param_groups", TypedJson.encode(c.hyperparameters().groups()));
        ArrayNode layout = doc.putArray("optimizer_state");
        for (OptimizerVector.Slot slot : c.optimizer().layout()) {
            layout.addObject().put("param", slot.param()).put("key", slot.key())
                    .put("dtype", slot.dtype().name()).set("shape", TypedJson.encode(slot.shape()).get("$int[]"));
        }
        doc.set("scheduler", TypedJson.encode(c.schedulerState()));
        doc.set("swa_scheduler", TypedJson.encode(c.swaSchedulerState()));
        doc.put("swa_count", c.swaCount());
        doc.set("metrics", TypedJson.fromRecord(c.metrics()));
        doc.set("epoch_metrics", TypedJson.fromRecord(c.epochMetrics()));
        doc.set("settings", TypedJson.fromRecord(c.settings()));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("checksum", Long.toHexString(checksum(tensors)));
        try {
            meta.put("checkpoint", JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("checkpoint metadata: " + e.getMessage(), e);
        }
        return meta;
    }

    /**
     * The checkpoint a file's {@code tensors} and {@code metadata} hold.
     *
     * @throws IllegalArgumentException when the format, the checksum or the model's keys do not match
     */
    static Checkpoint read(Map<String, Tensor> tensors, Map<String, String> metadata, Supplier<Module> factory) {
        if (!FORMAT.equals(metadata.get("format"))) {
            throw new IllegalArgumentException("not an Ignis checkpoint (metadata format " + metadata.get("format")
                    + ", expected " + FORMAT + ")");
        }
        String expected = metadata.get("checksum");
        long actual = checksum(tensors);
        if (expected == null || !expected.equals(Long.toHexString(actual))) {
            throw new IllegalArgumentException("checksum mismatch (CRC-32 " + Long.toHexString(actual) + ", expected "
                    + expected + ")");
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(metadata.get("checkpoint"));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint metadata is not JSON: " + e.getOriginalMessage(), e);
        }
        Module model = unprefixed(tensors, "model.", factory);
        List<OptimizerVector.Slot> layout = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (JsonNode s : doc.path("optimizer_state")) {
            int[] shape = new int[s.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.path("shape").get(i).intValue();
            }
            OptimizerVector.Slot slot = new OptimizerVector.Slot(s.path("param").intValue(), s.path("key").textValue(),
                    shape, DType.valueOf(s.path("dtype").textValue()));
            layout.add(slot);
            Tensor t = tensors.get("optimizer.state." + slot.param() + "." + slot.key());
            if (t == null) {
                throw new IllegalArgumentException("optimizer state " + slot.param() + "." + slot.key()
                        + " is listed but not stored");
            }
            for (double v : t.toDoubleArray()) {
                values.add(v);
            }
        }
        OptimizerVector optimizer = layout.isEmpty() ? OptimizerVector.EMPTY : new OptimizerVector(List.copyOf(layout),
                values.stream().mapToDouble(Double::doubleValue).toArray());
        Module swa = unprefixed(tensors, "swa_model.", factory);
        Module best = unprefixed(tensors, "best_model.", factory);
        return new Checkpoint(doc.path("next_round").intValue(), doc.path("epoch").intValue(),
                doc.path("round_in_epoch").intValue(), ModelVector.weights(model), ModelVector.counters(model), optimizer,
                Hyperparameters.of(groups(TypedJson.decode(doc.path("param_groups")))),
                stateMap(doc.path("scheduler")), stateMap(doc.path("swa_scheduler")),
                swa == null ? null : ModelVector.weights(swa), swa == null ? null : ModelVector.counters(swa),
                doc.path("swa_count").longValue(), doc.path("seed").longValue(),
                List.of(TypedJson.toRecord(doc.path("metrics"), RoundMetrics[].class)),
                TypedJson.toRecord(doc.path("settings"), RunSettings.class),
                List.of(TypedJson.toRecord(doc.path("epoch_metrics"), EpochMetrics[].class)),
                best == null ? null : ModelVector.weights(best), best == null ? null : ModelVector.counters(best));
    }

    /** A model from {@code factory} holding the tensors stored under {@code prefix}, or null where there are none. */
    private static Module unprefixed(Map<String, Tensor> tensors, String prefix, Supplier<Module> factory) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        tensors.forEach((key, t) -> {
            if (key.startsWith(prefix)) {
                state.put(key.substring(prefix.length()), t);
            }
        });
        if (state.isEmpty()) {
            return null;
        }
        Module model = factory.get();
        model.loadStateDict(state);
        return model;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> groups(Object decoded) {
        return (List<Map<String, Object>>) decoded;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stateMap(JsonNode node) {
        return (Map<String, Object>) TypedJson.decode(node);
    }

    /** CRC-32 over each tensor's key, dtype, shape and values, in key order. */
    static long checksum(Map<String, Tensor> tensors) {
        CRC32 crc = new CRC32();
        for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
            Tensor t = e.getValue();
            crc.update((e.getKey() + t.dtype() + java.util.Arrays.toString(t.shape())).getBytes(StandardCharsets.UTF_8));
            ByteBuffer bytes = ByteBuffer.allocate(8 * 4096);
            double[] values = t.toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                bytes.putLong(Double.doubleToLongBits(values[i]));
                if (!bytes.hasRemaining() || i == values.length - 1) {
                    crc.update(bytes.array(), 0, bytes.position());
                    bytes.clear();
                }
            }
        }
        return crc.getValue();
    }
}
