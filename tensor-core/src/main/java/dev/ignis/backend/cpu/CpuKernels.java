package dev.ignis.backend.cpu;

import dev.ignis.backend.Backend;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.KernelTable;
import dev.ignis.backend.cpu.conv.ConvKernels;
import dev.ignis.backend.cpu.conv.Im2ColLoops;
import dev.ignis.backend.cpu.norm.BatchNormLoops;
import dev.ignis.backend.cpu.norm.BatchNormReluPoolLoops;
import dev.ignis.backend.cpu.pool.MaxPoolLoops;
import dev.ignis.backend.cpu.softmax.AttentionRowLoops;
import dev.ignis.backend.cpu.softmax.ClassNllLoops;
import dev.ignis.backend.cpu.softmax.LogSoftmaxLoops;
import dev.ignis.backend.kernels.AttentionKernels;
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
 * logged once per family with its reason. A backend built with {@code ownKernels(false)} runs
 * every family's reference (the conformance suite's composed route).
 */
final class CpuKernels {
    private static final DeviceType CPU = DeviceType.CPU;
    private static final String NOT_F32 = "operands not all contiguous float32 (float64 gradient checks, other"
            + " layouts): the reference composed from primitives runs";

    private CpuKernels() {
    }

    static void register(KernelTable table) {
        table.register(Im2Col.UNFOLD, CPU, (device, xp, g, cols) -> {
            if (!own(device) || !Im2ColLoops.unfold2d(xp, g.toArray(), cols)) {
                reference(Im2Col.UNFOLD, device).run(device, xp, g, cols);
            }
        });
        table.register(Im2Col.FOLD, CPU, (device, cols, g, out) -> {
            if (!own(device) || !Im2ColLoops.fold2d(cols, g.toArray(), out)) {
                reference(Im2Col.FOLD, device).run(device, cols, g, out);
            }
        });
        table.register(Conv2dKernels.FORWARD, CPU, (device, x, w, b, g, groups, out) -> {
            if (!own(device) || !ConvKernels.forward(x, w, b, g.toArray(), groups, out, options(device))) {
                reference(Conv2dKernels.FORWARD, device).run(device, x, w, b, g, groups, out);
            }
        });
        table.register(Conv2dKernels.BACKWARD, CPU, (device, grad, x, w, g, groups, gx, gw) -> {
            if (!own(device) || !ConvKernels.backward(grad, x, w, g.toArray(), groups, gx, gw, options(device))) {
                reference(Conv2dKernels.BACKWARD, device).run(device, grad, x, w, g, groups, gx, gw);
            }
        });
        table.register(MaxPool2dKernels.FORWARD, CPU, (device, x, g, out, indices) -> {
            if (!own(device) || !MaxPoolLoops.maxPool2d(x, g.toArray(), out, indices)) {
                reference(MaxPool2dKernels.FORWARD, device).run(device, x, g, out, indices);
            }
        });
        table.register(MaxPool2dKernels.BACKWARD, CPU, (device, grad, indices, gradInput) -> {
            if (!own(device) || !MaxPoolLoops.maxPool2dBackward(grad, indices, gradInput)) {
                reference(MaxPool2dKernels.BACKWARD, device).run(device, grad, indices, gradInput);
            }
        });
        table.register(BatchNormKernels.FORWARD, CPU, (device, x, w, b, eps, out, mean, invstd) -> {
            if (!own(device) || !BatchNormLoops.batchNormForward(x, w, b, eps, out, mean, invstd)) {
                reference(BatchNormKernels.FORWARD, device).run(device, x, w, b, eps, out, mean, invstd);
            }
        });
        table.register(BatchNormKernels.BACKWARD, CPU, (device, grad, x, w, mean, invstd, gx, gw, gb) -> {
            if (!own(device) || !BatchNormLoops.batchNormBackward(grad, x, w, mean, invstd, gx, gw, gb)) {
                reference(BatchNormKernels.BACKWARD, device).run(device, grad, x, w, mean, invstd, gx, gw, gb);
            }
        });
        table.register(BatchNormReluMaxPoolKernels.FORWARD, CPU, (device, x, w, b, eps, g, out, mean, invstd) -> {
            if (!own(device) || !BatchNormReluPoolLoops.forward(x, w, b, eps, g.toArray(), out, mean, invstd)) {
                reference(BatchNormReluMaxPoolKernels.FORWARD, device).run(device, x, w, b, eps, g, out, mean, invstd);
            }
        });
        table.register(BatchNormReluMaxPoolKernels.BACKWARD, CPU,
                (device, grad, x, w, b, mean, invstd, g, gx, gw, gb) -> {
                    if (!own(device)
                            || !BatchNormReluPoolLoops.backward(grad, x, w, b, mean, invstd, g.toArray(), gx, gw, gb)) {
                        reference(BatchNormReluMaxPoolKernels.BACKWARD, device).run(device, grad, x, w, b, mean, invstd,
                                g, gx, gw, gb);
                    }
                });
        table.register(LogSoftmaxKernels.FORWARD, CPU, (device, x, out) -> {
            if (!own(device) || !LogSoftmaxLoops.logSoftmax(x, out)) {
                reference(LogSoftmaxKernels.FORWARD, device).run(device, x, out);
            }
        });
        table.register(LogSoftmaxKernels.BACKWARD, CPU, (device, grad, out, gradInput) -> {
            if (!own(device) || !LogSoftmaxLoops.logSoftmaxBackward(grad, out, gradInput)) {
                reference(LogSoftmaxKernels.BACKWARD, device).run(device, grad, out, gradInput);
            }
        });
        table.register(ClassNllKernels.FORWARD, CPU, (device, logp, target, ignore, mean, loss) -> {
            if (own(device)) {
                ClassNllLoops.forward(logp, target, ignore, mean, loss);
            } else {
                ClassNllKernels.FORWARD.reference().run(device, logp, target, ignore, mean, loss);
            }
        });
        table.register(ClassNllKernels.BACKWARD, CPU, (device, g, target, ignore, mean, gradInput) -> {
            if (own(device)) {
                ClassNllLoops.backward(g, target, ignore, mean, gradInput);
            } else {
                ClassNllKernels.BACKWARD.reference().run(device, g, target, ignore, mean, gradInput);
            }
        });
        table.register(SumColumnsKernel.FAMILY, CPU, (device, x, out) -> {
            if (!((CpuBackend) device).sumColumns(x, out)) {
                reference(SumColumnsKernel.FAMILY, device).run(device, x, out);
            }
        });
        table.register(AttentionKernels.FORWARD, CPU, (device, q, k, v, mask, drop, scale, weights, out) ->
                AttentionKernels.forward(device, q, k, v, mask, drop, scale, weights, out, rows(device)));
        table.register(AttentionKernels.BACKWARD, CPU, (device, go, q, k, v, weights, drop, scale, gq, gk, gv) ->
                AttentionKernels.backward(device, go, q, k, v, weights, drop, scale, gq, gk, gv, rows(device)));
    }

    /** Attention's fused float32 row loops, or the composed ones when the CPU runs references only. */
    private static AttentionKernels.RowSteps rows(Backend device) {
        return own(device) ? AttentionRowLoops.INSTANCE : AttentionKernels.REFERENCE_ROWS;
    }

    private static CpuOptions options(Backend device) {
        return ((CpuBackend) device).options();
    }

    /** Whether the CPU's own kernels run ({@link CpuOptions#ownKernels}), else every family's reference. */
    private static boolean own(Backend device) {
        return options(device).ownKernels();
    }

    /** {@code family}'s reference, where the CPU's kernel declined (logged once) or the options ask for it. */
    private static <K> K reference(KernelFamily<K> family, Backend device) {
        if (own(device)) {
            Fallbacks.once(family.name(), NOT_F32);
        }
        return family.reference();
    }
}
