package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.KernelTable;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;
import dev.ignis.tensor.DType;

/**
 * Training-mode batch norm, ReLU and max pooling as one block (what {@code Fusion.fuse} puts in
 * a model): out = maxPool(relu(y)) with y = (x − mean)·invstd·w + b. A device's kernel need not
 * store y; the references run the three families one after another and recompute y in the
 * backward.
 */
public final class BatchNormReluMaxPoolKernels {
    private BatchNormReluMaxPoolKernels() {
    }

    /**
     * Contiguous x [N, C, H, W] into contiguous out [N, C, OH, OW]; mean and invstd [C] written
     * as by {@link BatchNormKernels.Forward}; w and b [C] or null.
     */
    @FunctionalInterface
    public interface Forward {
        void run(Backend device, View x, View weight, View bias, double eps, Window2d g, View out, View mean,
                 View invstd);
    }

    /**
     * From grad [N, C, OH, OW] and the saved mean and invstd: each window's gradient reaches y at
     * the window's first maximum unless ReLU cut it there (maximum ≤ 0), and
     * {@link BatchNormKernels.Backward}'s formulas take it on to x, w and b. Any of gradInput,
     * gradWeight, gradBias may be null; the others are overwritten.
     */
    @FunctionalInterface
    public interface Backward {
        void run(Backend device, View grad, View x, View weight, View bias, View mean, View invstd, Window2d g,
                 View gradInput, View gradWeight, View gradBias);
    }

    public static final KernelFamily<Forward> FORWARD =
            KernelFamily.of("batch_norm_relu_max_pool2d", Forward.class, BatchNormReluMaxPoolKernels::forwardReference);
    public static final KernelFamily<Backward> BACKWARD = KernelFamily.of("batch_norm_relu_max_pool2d_backward",
            Backward.class, BatchNormReluMaxPoolKernels::backwardReference);

    static void forwardReference(Backend device, View x, View weight, View bias, double eps, Window2d g, View out,
                                 View mean, View invstd) {
        View y = Temp.zeros(device, x.dtype(), x, x.shape());
        KernelTable.lookup(BatchNormKernels.FORWARD, device).run(device, x, weight, bias, eps, y, mean, invstd);
        device.unary(UnaryOp.RELU, y, 0, 0, y);
        View indices = Temp.zeros(device, DType.INT64, x, out.shape());
        KernelTable.lookup(MaxPool2dKernels.FORWARD, device).run(device, y, g, out, indices);
    }

    static void backwardReference(Backend device, View grad, View x, View weight, View bias, View mean, View invstd,
                                  Window2d g, View gradInput, View gradWeight, View gradBias) {
        View y = Temp.zeros(device, x.dtype(), x, x.shape());
        BatchNormKernels.normalize(device, Temp.asNcs(x), mean, invstd, weight, bias, Temp.asNcs(y));
        device.unary(UnaryOp.RELU, y, 0, 0, y);
        View pooled = Temp.zeros(device, x.dtype(), x, grad.shape());
        View indices = Temp.zeros(device, DType.INT64, x, grad.shape());
        KernelTable.lookup(MaxPool2dKernels.FORWARD, device).run(device, y, g, pooled, indices);
        View gy = Temp.zeros(device, x.dtype(), x, x.shape());
        KernelTable.lookup(MaxPool2dKernels.BACKWARD, device).run(device, grad, indices, gy);
        device.binary(BinaryOp.MASK_POSITIVE, gy, y, gy);
        KernelTable.lookup(BatchNormKernels.BACKWARD, device).run(device, gy, x, weight, mean, invstd, gradInput,
                gradWeight, gradBias);
    }
}
