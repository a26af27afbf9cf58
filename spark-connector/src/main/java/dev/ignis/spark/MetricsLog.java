package dev.ignis.spark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes the per-round metrics under the output directory (any Hadoop path): {@code metrics.csv},
 * {@code metrics.json} (one object per line) and {@code curves.png} (training loss and accuracy by
 * round). Rewritten whole after every round, so the files are complete whenever they are read.
 */
final class MetricsLog {
    private final Path dir;
    private final Configuration conf;

    MetricsLog(String dir, Configuration conf) {
        this.dir = new Path(dir);
        this.conf = conf;
    }

    void write(List<RoundMetrics> rounds) {
        StringBuilder csv = new StringBuilder(RoundMetrics.csvHeader()).append('\n');
        StringBuilder json = new StringBuilder();
        for (RoundMetrics m : rounds) {
            csv.append(m.csv()).append('\n');
            json.append(m.json()).append('\n');
        }
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            writeAtomically(fs, "metrics.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
            writeAtomically(fs, "metrics.json", json.toString().getBytes(StandardCharsets.UTF_8));
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            ImageIO.write(plot(rounds), "png", png);
            writeAtomically(fs, "curves.png", png.toByteArray());
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

    /** Loss (red, left scale) and accuracy (blue, 0..1) against the round. */
    static BufferedImage plot(List<RoundMetrics> rounds) {
        int w = 640;
        int h = 360;
        int pad = 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.GRAY);
        g.drawRect(pad, pad, w - 2 * pad, h - 2 * pad);
        g.drawString("training loss (red) and accuracy (blue) by round", pad, pad - 10);
        double maxLoss = rounds.stream().mapToDouble(RoundMetrics::loss).filter(Double::isFinite).max().orElse(1);
        int n = rounds.size();
        g.setStroke(new BasicStroke(2f));
        for (int i = 1; i < n; i++) {
            int x0 = pad + (w - 2 * pad) * (i - 1) / Math.max(1, n - 1);
            int x1 = pad + (w - 2 * pad) * i / Math.max(1, n - 1);
            g.setColor(Color.RED);
            g.drawLine(x0, y(rounds.get(i - 1).loss() / maxLoss, h, pad), x1, y(rounds.get(i).loss() / maxLoss, h, pad));
            g.setColor(Color.BLUE);
            g.drawLine(x0, y(rounds.get(i - 1).accuracy(), h, pad), x1, y(rounds.get(i).accuracy(), h, pad));
        }
        g.dispose();
        return img;
    }

    private static int y(double fraction, int h, int pad) {
        double f = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
        return (int) Math.round(h - pad - f * (h - 2 * pad));
    }
}
