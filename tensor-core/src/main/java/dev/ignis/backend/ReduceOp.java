package dev.ignis.backend;

/** Reductions over the last dimension of a contiguous {@code [outer, n]} block. */
public enum ReduceOp {
    /** Σ x. */
    SUM,
    /** max x, NaN-propagating; the index of the first maximum is reported. */
    MAX,
    /** min x, NaN-propagating; the index of the first minimum is reported. */
    MIN
}
