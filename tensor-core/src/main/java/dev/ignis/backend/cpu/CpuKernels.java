package dev.ignis.backend.cpu;

import dev.ignis.backend.Backend;
import dev.ignis.backend.KernelTable;
import dev.ignis.backend.kernels.BatchNormKernels;
import dev.ignis.backend.kernels.BatchNormReluMaxPoolKernels;
import dev.ignis.backend.kernels.ClassNllKernels;
import dev.ignis.backend.kernels.Conv2dKernels;
import dev.ignis.backend.kernels.Im2Col;
import dev.ignis.backend.kernels.LogSoftmaxKernels;
import dev.ignis.backend.kernels.MaxPool2dKernels;
import dev.ignis.backend.kernels.SumColumnsKernel;
import dev.ignis.tensor.DeviceType;

/**
 * Every fast CPU kernel, registered in one place. Each is a float32 loop nest (or a native
 * routine) for the layouts it was written for; where it declines (float64 in gradient checks, a
 * layout it does not take) the family's reference runs on the CPU's primitives, and the decline is
 * logged once per family with its reason.
 */
final class CpuKernels {
    private static final DeviceType CPU = DeviceType.CPU;
    private static final String NOT_F32 = "operands not all contiguous float32 (float64 gradient checks, other"
            + " layouts): the reference composed from primitives runs";

    private CpuKernels() {
    }

    static void register(KernelTable table) {
        table.register(Im2Col.UNFOLD, CPU, (device, xp, g, cols) -> {
            if (!FusedKernels.unfold2d(xp, g.toArray(), cols)) {
                declined(Im2Col.UNFOLD.name());
                Im2Col.UNFOLD.reference().run(device, xp, g, cols);
            }
        });
        table.register(Im2Col.FOLD, CPU, (device, cols, g, out) -> {
            if (!FusedKernels.fold2d(cols, g.toArray(), out)) {
                declined(Im2Col.FOLD.name());
                Im2Col.FOLD.reference().run(device, cols, g, out);
            }
        });
        table.register(Conv2dKernels.FORWARD, CPU, (device, x, w, b, g, groups, out) -> {
            if (!ConvKernels.forward(x, w, b, g.toArray(), groups, out, options(device))) {
                declined(Conv2dKernels.FORWARD.name());
                Conv2dKernels.FORWARD.reference().run(device, x, w, b, g, groups, out);
            }
        });
        table.register(Conv2dKernels.BACKWARD, CPU, (device, grad, x, w, g, groups, gx, gw) -> {
            if (!ConvKernels.backward(grad, x, w, g.toArray(), groups, gx, gw, options(device))) {
                declined(Conv2dKernels.BACKWARD.name());
                Conv2dKernels.BACKWARD.reference().run(device, grad, x, w, g, groups, gx, gw);
            }
        });
        table.register(MaxPool2dKernels.FORWARD, CPU, (device, x, g, out, indices) -> {
            if (!FusedKernels.maxPool2d(x, g.toArray(), out, indices)) {
                declined(MaxPool2dKernels.FORWARD.name());
                MaxPool2dKernels.FORWARD.reference().run(device, x, g, out, indices);
            }
        });
        table.register(MaxPool2dKernels.BACKWARD, CPU, (device, grad, indices, gradInput) -> {
            if (!FusedKernels.maxPool2dBackward(grad, indices, gradInput)) {
                declined(MaxPool2dKernels.BACKWARD.name());
                MaxPool2dKernels.BACKWARD.reference().run(device, grad, indices, gradInput);
            }
        });
        table.register(BatchNormKernels.FORWARD, CPU, (device, x, w, b, eps, out, mean, invstd) -> {
            if (!FusedKernels.batchNormForward(x, w, b, eps, out, mean, invstd)) {
                declined(BatchNormKernels.FORWARD.name());
                BatchNormKernels.FORWARD.reference().run(device, x, w, b, eps, out, mean, invstd);
            }
        });
        table.register(BatchNormKernels.BACKWARD, CPU, (device, grad, x, w, mean, invstd, gx, gw, gb) -> {
            if (!FusedKernels.batchNormBackward(grad, x, w, mean, invstd, gx, gw, gb)) {
                declined(BatchNormKernels.BACKWARD.name());
                BatchNormKernels.BACKWARD.reference().run(device, grad, x, w, mean, invstd, gx, gw, gb);
            }
        });
        table.register(BatchNormReluMaxPoolKernels.FORWARD, CPU, (device, x, w, b, eps, g, out, mean, invstd) -> {
            if (!BatchNormReluPoolKernels.forward(x, w, b, eps, g.toArray(), out, mean, invstd)) {
                declined(BatchNormReluMaxPoolKernels.FORWARD.name());
                BatchNormReluMaxPoolKernels.FORWARD.reference().run(device, x, w, b, eps, g, out, mean, invstd);
            }
        });
        table.register(BatchNormReluMaxPoolKernels.BACKWARD, CPU,
                (device, grad, x, w, b, mean, invstd, g, gx, gw, gb) -> {
                    if (!BatchNormReluPoolKernels.backward(grad, x, w, b, mean, invstd, g.toArray(), gx, gw, gb)) {
                        declined(BatchNormReluMaxPoolKernels.BACKWARD.name());
                        BatchNormReluMaxPoolKernels.BACKWARD.reference().run(device, grad, x, w, b, mean, invstd, g,
                                gx, gw, gb);
                    }
                });
        table.register(LogSoftmaxKernels.FORWARD, CPU, (device, x, out) -> {
            if (!SoftmaxKernels.logSoftmax(x, out)) {
                declined(LogSoftmaxKernels.FORWARD.name());
                LogSoftmaxKernels.FORWARD.reference().run(device, x, out);
            }
        });
        table.register(LogSoftmaxKernels.BACKWARD, CPU, (device, grad, out, gradInput) -> {
            if (!SoftmaxKernels.logSoftmaxBackward(grad, out, gradInput)) {
                declined(LogSoftmaxKernels.BACKWARD.name());
                LogSoftmaxKernels.BACKWARD.reference().run(device, grad, out, gradInput);
            }
        });
        table.register(ClassNllKernels.FORWARD, CPU, (device, logp, target, ignore, mean, loss) ->
                ClassNllKernel.forward(logp, target, ignore, mean, loss));
        table.register(ClassNllKernels.BACKWARD, CPU, (device, g, target, ignore, mean, gradInput) ->
                ClassNllKernel.backward(g, target, ignore, mean, gradInput));
        table.register(SumColumnsKernel.FAMILY, CPU, (device, x, out) -> {
            if (!((CpuBackend) device).sumColumns(x, out)) {
                declined(SumColumnsKernel.FAMILY.name());
                SumColumnsKernel.FAMILY.reference().run(device, x, out);
            }
        });
    }

    private static CpuOptions options(Backend device) {
        return ((CpuBackend) device).options();
    }

    private static void declined(String family) {
        Fallbacks.once(family, NOT_F32);
    }
}
