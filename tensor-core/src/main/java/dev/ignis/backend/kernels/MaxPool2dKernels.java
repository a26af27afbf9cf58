package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.View;
import dev.ignis.tensor.DType;

/**
 * 2-D max pooling with the arg max of each window, and its backward, which routes each output's
 * gradient to that arg max. The reference copies the windows into rows, reduces each row with its
 * arg max, and maps the window position to the input position with a gather.
 */
public final class MaxPool2dKernels {
    private MaxPool2dKernels() {
    }

    /**
     * out[n, c, i, j] = max over the window at (i, j) of the contiguous x [N, C, H, W], padding
     * counting as −∞ and the first NaN winning; indices (int64) receives the first maximum's flat
     * position h·W + w in its input plane. out and indices: contiguous [N, C, OH, OW], overwritten.
     */
    @FunctionalInterface
    public interface Forward {
        void run(Backend device, View x, Window2d g, View out, View indices);
    }

    /** In place: gradInput[n, c, indices[n, c, i]] += grad[n, c, i]; all contiguous. */
    @FunctionalInterface
    public interface Backward {
        void run(Backend device, View grad, View indices, View gradInput);
    }

    public static final KernelFamily<Forward> FORWARD =
            KernelFamily.of("max_pool2d", Forward.class, MaxPool2dKernels::forwardReference);
    public static final KernelFamily<Backward> BACKWARD =
            KernelFamily.of("max_pool2d_backward", Backward.class, MaxPool2dKernels::backwardReference);

    static void forwardReference(Backend device, View x, Window2d g, View out, View indices) {
        int planes = x.size(0) * x.size(1);
        int w = x.size(3);
        int oh = out.size(2);
        int ow = out.size(3);
        int k = g.kh() * g.kw();
        View xp = Temp.padded(device, x, g.ph(), g.pw(), Double.NEGATIVE_INFINITY);
        int[] s = xp.strides();
        View windows = new View(xp.storage(), new int[] {x.size(0), x.size(1), oh, ow, g.kh(), g.kw()},
                new int[] {s[0], s[1], g.sh() * s[2], g.sw() * s[3], g.dh() * s[2], g.dw() * s[3]}, xp.offset());
        View rows = Temp.zeros(device, x.dtype(), x, planes * oh * ow, k);
        device.copy(windows, rows.reshape(windows.shape()));
        View tap = Temp.zeros(device, DType.INT64, x, planes, oh * ow, 1);
        device.reduceRows(ReduceOp.MAX, rows, out.reshape(planes * oh * ow), tap.reshape(planes * oh * ow));
        // the input position of tap (a, b) of window (i, j) depends on the geometry alone
        long[] position = new long[oh * ow * k];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                for (int a = 0; a < g.kh(); a++) {
                    for (int b = 0; b < g.kw(); b++) {
                        position[((i * ow + j) * g.kh() + a) * g.kw() + b] =
                                (long) (i * g.sh() + a * g.dh() - g.ph()) * w + (j * g.sw() + b * g.dw() - g.pw());
                    }
                }
            }
        }
        View table = Temp.upload(device, position, DType.INT64, x, oh * ow, k).expand(planes, oh * ow, k);
        device.gather(table, 2, tap, indices.reshape(planes, oh * ow, 1));
    }

    static void backwardReference(Backend device, View grad, View indices, View gradInput) {
        int planes = gradInput.size(0) * gradInput.size(1);
        int hw = gradInput.size(2) * gradInput.size(3);
        int ohw = grad.size(2) * grad.size(3);
        device.scatterAdd(gradInput.reshape(planes, hw), 1, indices.reshape(planes, ohw), grad.reshape(planes, ohw));
    }
}
