package dev.ignis.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes the metrics under the output directory (any Hadoop path): {@code metrics.csv} (a row per
 * round), {@code metrics.json} (one JSON document: the run, its rounds and its epochs, NaN written
 * as null) and {@code curves.png} ({@link CurvesChart}). Rewritten whole after every round, each
 * file through a temporary name, so the files are complete whenever they are read.
 */
final class MetricsLog {
    private final Path dir;
    private final Configuration conf;

    MetricsLog(String dir, Configuration conf) {
        this.dir = new Path(dir);
        this.conf = conf;
    }

    /**
     * @param title         names the run (the chart's title and the JSON's "run")
     * @param swaStartEpoch the first epoch SWA averages, or −1
     */
    void write(String title, List<RoundMetrics> rounds, List<EpochMetrics> epochs, int roundsPerEpoch,
               int swaStartEpoch) {
        StringBuilder csv = new StringBuilder(RoundMetrics.csvHeader()).append('\n');
        for (RoundMetrics m : rounds) {
            csv.append(m.csv()).append('\n');
        }
        StringBuilder json = new StringBuilder("{\"run\":").append(quoted(title)).append(",\"rounds_per_epoch\":")
                .append(roundsPerEpoch).append(",\"swa_start_epoch\":").append(swaStartEpoch < 0 ? "null" : swaStartEpoch)
                .append(",\n\"rounds\":[");
        for (int i = 0; i < rounds.size(); i++) {
            json.append(i == 0 ? "\n" : ",\n").append(rounds.get(i).json());
        }
        json.append("],\n\"epochs\":[");
        for (int i = 0; i < epochs.size(); i++) {
            json.append(i == 0 ? "\n" : ",\n").append(epochs.get(i).json());
        }
        json.append("]}\n");
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            writeAtomically(fs, "metrics.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
            writeAtomically(fs, "metrics.json", json.toString().getBytes(StandardCharsets.UTF_8));
            writeAtomically(fs, "curves.png", CurvesChart.png(title, rounds, epochs, roundsPerEpoch, swaStartEpoch,
                    900, 640));
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics into " + dir + ": " + e.getMessage(), e);
        }
    }

    private void writeAtomically(FileSystem fs, String name, byte[] bytes) throws IOException {
        Path target = new Path(dir, name);
        Path tmp = new Path(dir, "_tmp-" + name);
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(bytes);
        }
        fs.delete(target, false);
        fs.rename(tmp, target);
    }

    /** A JSON number, or null for NaN and infinities (which JSON has no spelling for). */
    static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
