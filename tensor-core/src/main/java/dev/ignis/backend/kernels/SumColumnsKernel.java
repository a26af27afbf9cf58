package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.View;

/**
 * Column sums of a matrix, {@code out[j] = Σ_r x[r, j]}: a bias gradient, the sum over the batch.
 * The reference transposes x into a contiguous copy so that each column becomes a row for
 * {@link Backend#reduceRows}.
 */
@FunctionalInterface
public interface SumColumnsKernel {
    /** Contiguous x [rows, cols] into contiguous out [cols] (overwritten). */
    void run(Backend device, View x, View out);

    KernelFamily<SumColumnsKernel> FAMILY = KernelFamily.of("sum_columns", SumColumnsKernel.class, (device, x, out) -> {
        View columns = Temp.zeros(device, x.dtype(), x, x.size(1), x.size(0));
        device.copy(x.permute(1, 0), columns);
        device.reduceRows(ReduceOp.SUM, columns, out, null);
    });
}
