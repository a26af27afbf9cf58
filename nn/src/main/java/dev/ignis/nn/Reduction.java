package dev.ignis.nn;

/** How a loss reduces its per-element values: PyTorch's {@code reduction} argument. */
public enum Reduction {
    NONE, MEAN, SUM,
    /** KLDivLoss only: the sum divided by the batch size. */
    BATCHMEAN;

    /** Parses PyTorch's names: "none", "mean", "sum", "batchmean". */
    public static Reduction of(String name) {
        for (Reduction r : values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException(name + " is not a valid value for reduction");
    }
}
