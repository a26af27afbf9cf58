package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.data.vision.Functional;
import dev.ignis.data.vision.Transforms;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Image transforms against torchvision 0.14 (tests/fixtures/generate_vision_fixtures.py). */
class VisionParityTest {
    private static final JsonNode FIXTURE = Fixtures.load("vision.json");

    private static Tensor apply(String op, int[] a, double[] d, Tensor img) {
        return switch (op) {
            case "resize" -> Transforms.resize(a[0], a[1]).apply(img);
            case "resize_edge" -> Transforms.resizeWithMaxSize(a[0], a[1]).apply(img);
            case "crop" -> Functional.crop(img, a[0], a[1], a[2], a[3]);
            case "pad" -> Functional.pad(img, a[0], a[1], a[2], a[3], d[4]);
            case "center_crop" -> Transforms.centerCrop(a[0], a[1]).apply(img);
            case "resized_crop" -> Functional.resizedCrop(img, a[0], a[1], a[2], a[3], a[4], a[5]);
            case "grayscale" -> Transforms.grayscale(a[0]).apply(img);
            case "hflip" -> Functional.hflip(img);
            case "normalize" -> Transforms.normalize(new double[] {d[0], d[1], d[2]}, new double[] {d[3], d[4], d[5]})
                    .apply(img);
            default -> throw new IllegalArgumentException(op);
        };
    }

    @TestFactory
    Stream<DynamicTest> transformsMatchTorchvision() {
        Tensor img = Fixtures.tensor(FIXTURE.get("input"));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : FIXTURE.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                JsonNode args = c.get("args");
                int[] a = new int[args.size()];
                double[] d = new double[args.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = args.get(i).asInt();
                    d[i] = args.get(i).asDouble();
                }
                Tensor expected = Fixtures.tensor(c.get("output"));
                Tensor actual = apply(c.get("op").asText(), a, d, img);
                assertArrayEquals(expected.shape(), actual.shape(), "shape");
                float[] e = expected.toFloatArray();
                float[] g = actual.toFloatArray();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(e[i], g[i], 1e-5 + 1e-5 * Math.abs(e[i]), "element " + i);
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void resizeSmallerEdgeRuleMatchesTorchvision() {
        for (JsonNode r : FIXTURE.get("resize_sizes")) {
            int[] hw = Functional.smallerEdgeSize(r.get("in").get(0).asInt(), r.get("in").get(1).asInt(),
                    r.get("size").asInt(), r.get("max_size").asInt());
            assertArrayEquals(new int[] {r.get("out").get(0).asInt(), r.get("out").get(1).asInt()}, hw, r.toString());
        }
    }
}
