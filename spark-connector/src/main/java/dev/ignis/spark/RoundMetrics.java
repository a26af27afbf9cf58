package dev.ignis.spark;

import java.io.Serializable;

/**
 * One round's figures: position, mean training loss and accuracy over the samples trained,
 * samples, wall time, the share of it outside the tasks' training (broadcast, scheduling,
 * aggregation), and bytes moved (broadcast + results).
 */
public record RoundMetrics(int round, int epoch, double lr, double loss, double accuracy, long samples, double seconds,
                           double overhead, long bytes) implements Serializable {

    static String csvHeader() {
        return "round,epoch,lr,loss,accuracy,samples,seconds,overhead,bytes";
    }

    String csv() {
        return round + "," + epoch + "," + lr + "," + loss + "," + accuracy + "," + samples + "," + seconds + ","
                + overhead + "," + bytes;
    }

    /** One JSON object; NaN (accuracy of a regression) as null. */
    String json() {
        return String.format(java.util.Locale.ROOT, "{\"round\":%d,\"epoch\":%d,\"lr\":%s,\"loss\":%s,\"accuracy\":%s,"
                + "\"samples\":%d,\"seconds\":%s,\"overhead\":%s,\"bytes\":%d}", round, epoch, MetricsLog.number(lr),
                MetricsLog.number(loss), MetricsLog.number(accuracy), samples, MetricsLog.number(seconds),
                MetricsLog.number(overhead), bytes);
    }
}
