package dev.ignis.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One epoch's figures: the mean training loss and accuracy over the samples its rounds trained,
 * and the averaged model's loss and accuracy on the validation data at the epoch's end (NaN
 * without validation data).
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                           double validationAccuracy) implements Serializable {

    /** Epoch {@code epoch}'s training figures from its rounds, weighted by their samples, with the validation figures. */
    static EpochMetrics of(int epoch, List<RoundMetrics> rounds, double validationLoss, double validationAccuracy) {
        double loss = 0;
        double correct = 0;
        long samples = 0;
        for (RoundMetrics m : rounds) {
            if (m.epoch() == epoch) {
                loss += m.loss() * m.samples();
                correct += m.accuracy() * m.samples();
                samples += m.samples();
            }
        }
        return new EpochMetrics(epoch, loss / samples, correct / samples, validationLoss, validationAccuracy);
    }

    /** The value of {@code monitor}: "val_loss", "val_accuracy", "loss" or "accuracy". */
    double value(String monitor) {
        return switch (monitor) {
            case "val_loss" -> validationLoss;
            case "val_accuracy" -> validationAccuracy;
            case "loss" -> trainLoss;
            case "accuracy" -> trainAccuracy;
            default -> throw new IllegalArgumentException("unknown metric '" + monitor
                    + "'; monitor val_loss, val_accuracy, loss or accuracy");
        };
    }

    /** One JSON object; NaN (no validation data) as null. */
    String json() {
        return "{\"epoch\":" + epoch + ",\"train_loss\":" + MetricsLog.number(trainLoss) + ",\"train_accuracy\":"
                + MetricsLog.number(trainAccuracy) + ",\"validation_loss\":" + MetricsLog.number(validationLoss)
                + ",\"validation_accuracy\":" + MetricsLog.number(validationAccuracy) + "}";
    }
}
