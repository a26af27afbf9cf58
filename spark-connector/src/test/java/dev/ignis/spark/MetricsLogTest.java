package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.json is one JSON document (NaN as null); curves.png draws training and validation curves. */
class MetricsLogTest {

    private static List<RoundMetrics> rounds(boolean classify) {
        List<RoundMetrics> out = new ArrayList<>();
        for (int r = 0; r < 12; r++) {
            out.add(new RoundMetrics(r, r / 3, 0.05, 1.5 / (r + 1), classify ? 0.5 + 0.04 * r : Double.NaN, 640,
                    0.8, 0.05, 1_000_000));
        }
        return out;
    }

    private static int pixels(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void oneJsonDocumentAndAChartWithTrainingValidationAndSwaStart(@TempDir Path dir) throws Exception {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            epochs.add(new EpochMetrics(e, 1.0 / (e + 1), 0.6 + 0.1 * e, 1.1 / (e + 1), 0.55 + 0.1 * e));
        }
        new MetricsLog(dir.toString(), new Configuration()).write("ignis: test run", rounds(true), epochs, 3, 2);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertEquals("ignis: test run", json.get("run").asText());
        assertEquals(12, json.get("rounds").size());
        assertEquals(4, json.get("epochs").size());
        assertEquals(2, json.get("swa_start_epoch").asInt());
        assertEquals(0.55, json.get("epochs").get(0).get("validation_accuracy").asDouble(), 1e-12);
        BufferedImage png = ImageIO.read(dir.resolve("curves.png").toFile());
        assertEquals(900, png.getWidth());
        assertTrue(pixels(png, 0x1f77b4) > 200, "training curves drawn");
        assertTrue(pixels(png, 0xd62728) > 50, "validation curves drawn");
    }

    @Test
    void aRegressionRunWritesNullAccuracyAndOnlyTheLossPanel(@TempDir Path dir) throws Exception {
        new MetricsLog(dir.toString(), new Configuration()).write("ignis: regression", rounds(false), List.of(), 3, -1);
        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("metrics.json")));
        assertTrue(json.get("rounds").get(0).get("accuracy").isNull());
        assertTrue(json.get("swa_start_epoch").isNull());
        assertTrue(Files.size(dir.resolve("curves.png")) > 1000);
    }
}
