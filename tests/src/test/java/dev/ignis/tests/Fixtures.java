package dev.ignis.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the JSON fixtures written by the generators in tests/fixtures/ (real PyTorch outputs). */
final class Fixtures {
    private Fixtures() {
    }

    static JsonNode load(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("fixture /fixtures/" + resource + " is missing; run the generator in"
                        + " tests/fixtures/");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CPU tensor from {"shape": [...], "dtype": "float32|float64|int64|bool", "data": [...]}. */
    static Tensor tensor(JsonNode node) {
        int[] shape = new int[node.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = node.get("shape").get(i).asInt();
        }
        JsonNode data = node.get("data");
        int n = data.size();
        Tensor flat = switch (node.get("dtype").asText()) {
            case "float32" -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) data.get(i).asDouble();
                }
                yield Tensor.fromArray(v);
            }
            case "float64" -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data.get(i).asDouble();
                }
                yield Tensor.fromArray(v);
            }
            case "int64" -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data.get(i).asLong();
                }
                yield Tensor.fromArray(v);
            }
            case "bool" -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data.get(i).asBoolean();
                }
                yield Tensor.fromArray(v);
            }
            default -> throw new IllegalArgumentException("unknown dtype " + node.get("dtype"));
        };
        return flat.reshape(shape).contiguous().detach();
    }
}
