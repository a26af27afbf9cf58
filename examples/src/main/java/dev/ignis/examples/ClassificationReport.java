package dev.ignis.examples;

import java.util.List;
import java.util.Locale;

/**
 * A classifier's confusion matrix over a labelled set, and what it gives, as scikit-learn's
 * {@code classification_report} and {@code confusion_matrix}: accuracy; per class c precision
 * (of the samples predicted c, the share that are c), recall (of the samples that are c, the share
 * predicted c), F1 (their harmonic mean) and support (samples that are c). A class never predicted
 * has precision 0, one never present recall 0 (scikit-learn's {@code zero_division=0}).
 */
final class ClassificationReport {
    private final List<String> names;
    /** counts[t][p]: samples of class t predicted p. */
    private final long[][] counts;

    ClassificationReport(List<String> names) {
        this.names = List.copyOf(names);
        counts = new long[names.size()][names.size()];
    }

    /**
     * Counts one batch: {@code truth[i]} predicted as {@code predicted[i]}.
     *
     * @throws IllegalArgumentException when the arrays differ in length or a class is out of range
     */
    void add(long[] truth, long[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " labels but " + predicted.length + " predictions");
        }
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= counts.length || predicted[i] < 0 || predicted[i] >= counts.length) {
                throw new IllegalArgumentException("sample " + i + ": label " + truth[i] + ", prediction "
                        + predicted[i] + ", but there are " + counts.length + " classes");
            }
            counts[(int) truth[i]][(int) predicted[i]]++;
        }
    }

    long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    double accuracy() {
        long hits = 0;
        for (int c = 0; c < counts.length; c++) {
            hits += counts[c][c];
        }
        return ratio(hits, total());
    }

    long support(int c) {
        long n = 0;
        for (long v : counts[c]) {
            n += v;
        }
        return n;
    }

    double precision(int c) {
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[c];
        }
        return ratio(counts[c][c], predicted);
    }

    double recall(int c) {
        return ratio(counts[c][c], support(c));
    }

    double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /**
     * Prints {@link #table()} then the summary line scripts read:
     * {@code ignis evaluate model=DIR test_acc=A test_loss=L samples=N}.
     */
    void print(String model, double meanLoss) {
        System.out.print(table());
        System.out.printf(Locale.ROOT, "ignis evaluate model=%s test_acc=%.4f test_loss=%.4f samples=%d%n", model,
                accuracy(), meanLoss, total());
    }

    /** The per-class table, then the confusion matrix (rows: true class, columns: predicted). */
    String table() {
        int width = Math.max(12, names.stream().mapToInt(String::length).max().orElse(0) + 2);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-" + width + "s %9s %9s %9s %9s%n", "class", "precision", "recall",
                "f1", "support"));
        for (int c = 0; c < counts.length; c++) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s %9.4f %9.4f %9.4f %9d%n", names.get(c),
                    precision(c), recall(c), f1(c), support(c)));
        }
        out.append(String.format(Locale.ROOT, "%-" + width + "s %9s %9s %9.4f %9d%n", "accuracy", "", "", accuracy(),
                total()));
        out.append("confusion matrix (rows: true class, columns: predicted, in the order above):\n");
        for (long[] row : counts) {
            for (long v : row) {
                out.append(String.format(Locale.ROOT, "%6d", v));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
