package dev.ignis.spark;

import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's metrics as TensorBoard scalars ({@link TensorBoardWriter}), the step being the number of
 * rounds done: per round {@code train/loss}, {@code train/accuracy} (classification),
 * {@code train/lr}, {@code round/samples_per_s} and {@code round/overhead}; per epoch
 * {@code epoch/train_loss}, {@code epoch/train_accuracy}, {@code epoch/validation_loss} and
 * {@code epoch/validation_accuracy} where there are such figures. A failure to write is logged
 * once and the run goes on without the event file, as with the other metrics files.
 */
final class TensorBoardLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TensorBoardLog.class);

    private final String dir;
    private final Configuration conf;
    private TensorBoardWriter writer;
    private boolean failed;

    TensorBoardLog(String dir, Configuration conf) {
        this.dir = dir;
        this.conf = conf;
    }

    void round(RoundMetrics m) {
        long step = m.round() + 1;
        add("train/loss", m.loss(), step);
        add("train/accuracy", m.accuracy(), step);
        add("train/lr", m.lr(), step);
        add("round/samples_per_s", m.samples() / m.seconds(), step);
        add("round/overhead", m.overhead(), step);
    }

    /** An epoch's figures, at the step of the round that ended it. */
    void epoch(EpochMetrics e, int round) {
        long step = round + 1;
        add("epoch/train_loss", e.trainLoss(), step);
        add("epoch/train_accuracy", e.trainAccuracy(), step);
        add("epoch/validation_loss", e.validationLoss(), step);
        add("epoch/validation_accuracy", e.validationAccuracy(), step);
    }

    private void add(String tag, double value, long step) {
        if (failed || !Double.isFinite(value)) {
            return;
        }
        try {
            if (writer == null) {
                writer = new TensorBoardWriter(dir, conf);
                LOG.info("TensorBoard events: {} (tensorboard --logdir {})", writer.file(), dir);
            }
            writer.addScalar(tag, value, step);
        } catch (RuntimeException ex) {
            failed = true;
            LOG.warn("TensorBoard events could not be written into {} ({}); training goes on", dir, ex.getMessage());
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (RuntimeException ex) {
                LOG.warn("closing the TensorBoard event file in {}: {}", dir, ex.getMessage());
            }
        }
    }
}
