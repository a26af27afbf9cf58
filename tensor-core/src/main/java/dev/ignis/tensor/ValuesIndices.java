package dev.ignis.tensor;

/** Result of {@code max(dim)} / {@code min(dim)}: the values and their int64 indices along dim. */
public record ValuesIndices(Tensor values, Tensor indices) {
}
