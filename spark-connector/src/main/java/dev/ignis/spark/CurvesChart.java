package dev.ignis.spark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The training curves as a PNG: loss (top) and accuracy (bottom, when the run classifies) on
 * their own axes over a shared round axis; the training figures of every round as lines, the
 * validation figures at each epoch's last round as marked points, and the round SWA starts at as a
 * vertical line. The title names the run.
 */
final class CurvesChart {
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xd62728);

    private CurvesChart() {
    }

    /**
     * @param swaStartEpoch the first epoch SWA averages, or −1
     * @return the chart, {@code width}×{@code height}, as PNG bytes
     */
    static byte[] png(String title, List<RoundMetrics> rounds, List<EpochMetrics> epochs, int roundsPerEpoch,
                      int swaStartEpoch, int width, int height) throws IOException {
        NumberAxis roundAxis = new NumberAxis("round");
        roundAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        roundAxis.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(roundAxis);
        plot.setGap(12);
        plot.add(panel("loss", rounds, epochs, roundsPerEpoch, true), 1);
        boolean classifies = rounds.stream().anyMatch(r -> Double.isFinite(r.accuracy()));
        if (classifies) {
            XYPlot accuracy = panel("accuracy", rounds, epochs, roundsPerEpoch, false);
            plot.add(accuracy, 1);
        }
        if (swaStartEpoch >= 0 && swaStartEpoch * roundsPerEpoch < rounds.size()) {
            for (Object sub : plot.getSubplots()) {
                ValueMarker marker = new ValueMarker(swaStartEpoch * roundsPerEpoch + 0.5, Color.DARK_GRAY,
                        new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
                marker.setLabel("SWA from epoch " + (swaStartEpoch + 1));
                marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                ((XYPlot) sub).addDomainMarker(marker);
            }
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, width, height);
        return out.toByteArray();
    }

    /** One metric's panel: training by round (line), validation by epoch end (points). */
    private static XYPlot panel(String metric, List<RoundMetrics> rounds, List<EpochMetrics> epochs,
                                int roundsPerEpoch, boolean loss) {
        XYSeries train = new XYSeries("train " + metric);
        for (RoundMetrics r : rounds) {
            double v = loss ? r.loss() : r.accuracy();
            if (Double.isFinite(v)) {
                train.add(r.round() + 1, v);
            }
        }
        XYSeries validation = new XYSeries("validation " + metric);
        for (EpochMetrics e : epochs) {
            double v = loss ? e.validationLoss() : e.validationAccuracy();
            if (Double.isFinite(v)) {
                validation.add((e.epoch() + 1) * roundsPerEpoch, v);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection(train);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, TRAIN);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        if (validation.getItemCount() > 0) {
            data.addSeries(validation);
            renderer.setSeriesPaint(1, VALIDATION);
            renderer.setSeriesStroke(1, new BasicStroke(2f));
            renderer.setSeriesShapesVisible(1, true);
        }
        NumberAxis axis = new NumberAxis(metric);
        axis.setAutoRangeIncludesZero(!loss);
        if (!loss) {
            axis.setRange(0, 1);
        }
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }
}
