package dev.ignis.tensor;

/**
 * Element types of a tensor. {@code FLOAT32} is the working type; {@code FLOAT64} serves gradient
 * checks on the CPU; {@code INT64} holds indices and labels; {@code BOOL} holds masks.
 *
 * <p>Binary ops promote their operands to the larger type in the order
 * {@code BOOL < INT64 < FLOAT32 < FLOAT64}, as PyTorch does for tensors of equal rank.
 */
public enum DType {
    BOOL("torch.bool", 1, false),
    INT64("torch.int64", 8, false),
    FLOAT32("torch.float32", 4, true),
    FLOAT64("torch.float64", 8, true);

    private final String torchName;
    private final int itemSize;
    private final boolean floatingPoint;

    DType(String torchName, int itemSize, boolean floatingPoint) {
        this.torchName = torchName;
        this.itemSize = itemSize;
        this.floatingPoint = floatingPoint;
    }

    /** PyTorch's name for this type, e.g. {@code torch.float32}. */
    public String torchName() {
        return torchName;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The type both operands of a binary op are converted to. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
