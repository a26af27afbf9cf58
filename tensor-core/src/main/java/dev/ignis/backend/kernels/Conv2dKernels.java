package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.KernelTable;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.View;

/**
 * 2-D convolution and its gradients. The references are im2col ({@link Im2Col#UNFOLD}) + one
 * batched GEMM per group, and for the input gradient GEMM + col2im ({@link Im2Col#FOLD}).
 */
public final class Conv2dKernels {
    private Conv2dKernels() {
    }

    /**
     * out[n, o, y, x] = bias[o] + Σ_{c in group(o), a, b} w[o, c, a, b]·x[n, c, y·sh + a·dh − ph,
     * x·sw + b·dw − pw], positions in the padding reading zero. Contiguous x [N, C, H, W] (unpadded), weight
     * [O, C/groups, kh, kw], bias [O] or null; out [N, O, OH, OW] contiguous, overwritten.
     */
    @FunctionalInterface
    public interface Forward {
        void run(Backend device, View x, View weight, View bias, Window2d g, int groups, View out);
    }

    /**
     * The input and weight gradients of {@link Forward} from the contiguous grad [N, O, OH, OW]:
     * gradInput [N, C, H, W] and gradWeight [O, C/groups, kh, kw] (contiguous, overwritten), either
     * null when not needed.
     */
    @FunctionalInterface
    public interface Backward {
        void run(Backend device, View grad, View x, View weight, Window2d g, int groups, View gradInput,
                 View gradWeight);
    }

    public static final KernelFamily<Forward> FORWARD =
            KernelFamily.of("conv2d", Forward.class, Conv2dKernels::forwardReference);
    public static final KernelFamily<Backward> BACKWARD =
            KernelFamily.of("conv2d_backward", Backward.class, Conv2dKernels::backwardReference);

    static void forwardReference(Backend device, View x, View weight, View bias, Window2d g, int groups, View out) {
        int n = x.size(0);
        int o = weight.size(0);
        int og = o / groups;
        int cgkk = weight.size(1) * g.kh() * g.kw();
        int l = out.size(2) * out.size(3);
        View cols = columns(device, x, g, out.size(2), out.size(3)).reshape(n, groups, cgkk, l);
        View w3 = weight.reshape(groups, og, cgkk);
        View out4 = out.reshape(n, groups, og, l);
        for (int gi = 0; gi < groups; gi++) {
            View product = groups == 1 ? out.reshape(n, og, l) : Temp.zeros(device, out.dtype(), out, n, og, l);
            device.bmm(w3.select(0, gi).expand(n, og, cgkk), cols.select(1, gi), product);
            if (groups > 1) {
                device.copy(product, out4.select(1, gi));
            }
        }
        if (bias != null) {
            View out3 = out.reshape(n, o, l);
            device.binary(BinaryOp.ADD, out3, Temp.perChannel(bias, n, l), out3);
        }
    }

    static void backwardReference(Backend device, View grad, View x, View weight, Window2d g, int groups,
                                  View gradInput, View gradWeight) {
        int n = x.size(0);
        int og = weight.size(0) / groups;
        int cgkk = weight.size(1) * g.kh() * g.kw();
        int oh = grad.size(2);
        int ow = grad.size(3);
        int l = oh * ow;
        View g4 = grad.reshape(n, groups, og, l);
        View w3 = weight.reshape(groups, og, cgkk);
        if (gradWeight != null) {
            View cols = columns(device, x, g, oh, ow).reshape(n, groups, cgkk, l);
            View gw3 = gradWeight.reshape(groups, og, cgkk);
            for (int gi = 0; gi < groups; gi++) {
                // per sample gᵢ·colsᵢᵀ, then the sum over samples as rows of [og·cgkk, N]
                View perSample = Temp.zeros(device, grad.dtype(), grad, n, og, cgkk);
                device.bmm(g4.select(1, gi), cols.select(1, gi).permute(0, 2, 1), perSample);
                View rows = Temp.zeros(device, grad.dtype(), grad, og, cgkk, n);
                device.copy(perSample.permute(1, 2, 0), rows);
                device.reduceRows(ReduceOp.SUM, rows.reshape(og * cgkk, n), gw3.select(0, gi).reshape(og * cgkk), null);
            }
        }
        if (gradInput != null) {
            View all = Temp.zeros(device, grad.dtype(), grad, n, groups, cgkk, l);
            for (int gi = 0; gi < groups; gi++) {
                View product = groups == 1 ? all.reshape(n, cgkk, l)
                        : Temp.zeros(device, grad.dtype(), grad, n, cgkk, l);
                device.bmm(w3.select(0, gi).permute(1, 0).expand(n, cgkk, og), g4.select(1, gi), product);
                if (groups > 1) {
                    device.copy(product, all.select(1, gi));
                }
            }
            KernelTable.lookup(Im2Col.FOLD, device).run(device,
                    all.reshape(n, x.size(1), g.kh(), g.kw(), oh, ow), g, gradInput);
        }
    }

    /** im2col of x with its padding: contiguous [N, C, kh, kw, OH, OW]. */
    static View columns(Backend device, View x, Window2d g, int oh, int ow) {
        View xp = Temp.padded(device, x, g.ph(), g.pw(), 0.0);
        View cols = Temp.zeros(device, x.dtype(), x, x.size(0), x.size(1), g.kh(), g.kw(), oh, ow);
        KernelTable.lookup(Im2Col.UNFOLD, device).run(device, xp, g, cols);
        return cols;
    }
}
