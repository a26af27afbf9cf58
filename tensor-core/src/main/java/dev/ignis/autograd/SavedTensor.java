package dev.ignis.autograd;

import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/**
 * A tensor saved for backward, with the version of its storage at save time. Unpacking it after
 * an in-place change fails the way PyTorch does.
 */
final class SavedTensor {
    private final Tensor tensor;
    private final int version;

    SavedTensor(Tensor tensor) {
        this.tensor = tensor;
        this.version = tensor.storage().version();
    }

    Tensor unpack() {
        int now = tensor.storage().version();
        if (now != version) {
            // Read at failure time: an op's own output gets its grad_fn only after the node saving it exists.
            String producer = tensor.gradFn() != null ? "output 0 of " + tensor.gradFn().name() : "a leaf or constant tensor";
            throw new IllegalStateException("one of the variables needed for gradient computation has been modified by an"
                    + " inplace operation: [" + typeName(tensor) + " " + Shape.format(tensor.shape()) + "], which is "
                    + producer + ", is at version " + now + "; expected version " + version + " instead.");
        }
        return tensor;
    }

    private static String typeName(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> "torch.FloatTensor";
            case FLOAT64 -> "torch.DoubleTensor";
            case INT64 -> "torch.LongTensor";
            case BOOL -> "torch.BoolTensor";
        };
    }
}
