package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;

/** log_softmax along the rows of a matrix, and its backward. */
public final class LogSoftmaxKernels {
    private LogSoftmaxKernels() {
    }

    /**
     * Contiguous x and out [rows, n]: out[r, j] = x[r, j] − m_r − log Σ_k exp(x[r, k] − m_r) with
     * m_r = max_k x[r, k].
     */
    @FunctionalInterface
    public interface Forward {
        void run(Backend device, View x, View out);
    }

    /** All contiguous [rows, n]: gradInput[r, j] = grad[r, j] − exp(out[r, j])·Σ_k grad[r, k]. */
    @FunctionalInterface
    public interface Backward {
        void run(Backend device, View grad, View out, View gradInput);
    }

    public static final KernelFamily<Forward> FORWARD =
            KernelFamily.of("log_softmax_rows", Forward.class, LogSoftmaxKernels::forwardReference);
    public static final KernelFamily<Backward> BACKWARD =
            KernelFamily.of("log_softmax_rows_backward", Backward.class, LogSoftmaxKernels::backwardReference);

    static void forwardReference(Backend device, View x, View out) {
        int rows = x.size(0);
        int n = x.size(1);
        View max = Temp.zeros(device, x.dtype(), x, rows);
        device.reduceRows(ReduceOp.MAX, x, max, null);
        device.binary(BinaryOp.SUB, x, Temp.perRow(max, n), out);
        View exp = Temp.zeros(device, x.dtype(), x, rows, n);
        device.unary(UnaryOp.EXP, out, 0, 0, exp);
        View sum = Temp.zeros(device, x.dtype(), x, rows);
        device.reduceRows(ReduceOp.SUM, exp, sum, null);
        device.unary(UnaryOp.LOG, sum, 0, 0, sum);
        device.binary(BinaryOp.SUB, out, Temp.perRow(sum, n), out);
    }

    static void backwardReference(Backend device, View grad, View out, View gradInput) {
        int rows = grad.size(0);
        int n = grad.size(1);
        View sum = Temp.zeros(device, grad.dtype(), grad, rows);
        device.reduceRows(ReduceOp.SUM, grad, sum, null);
        device.unary(UnaryOp.EXP, out, 0, 0, gradInput);
        device.binary(BinaryOp.MUL, gradInput, Temp.perRow(sum, n), gradInput);
        device.binary(BinaryOp.SUB, grad, gradInput, gradInput);
    }
}
