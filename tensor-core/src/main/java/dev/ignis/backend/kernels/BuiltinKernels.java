package dev.ignis.backend.kernels;

import dev.ignis.backend.KernelFamily;
import java.util.List;

/** Every built-in kernel family, for listings ({@code bin/ignis info}) and the conformance suite. */
public final class BuiltinKernels {
    private BuiltinKernels() {
    }

    public static List<KernelFamily<?>> families() {
        return List.of(Im2Col.UNFOLD, Im2Col.FOLD, Conv2dKernels.FORWARD, Conv2dKernels.BACKWARD,
                MaxPool2dKernels.FORWARD, MaxPool2dKernels.BACKWARD, BatchNormKernels.FORWARD,
                BatchNormKernels.BACKWARD, BatchNormReluMaxPoolKernels.FORWARD, BatchNormReluMaxPoolKernels.BACKWARD,
                LogSoftmaxKernels.FORWARD, LogSoftmaxKernels.BACKWARD, ClassNllKernels.FORWARD,
                ClassNllKernels.BACKWARD, SumColumnsKernel.FAMILY,
                AttentionKernels.FORWARD, AttentionKernels.BACKWARD);
    }
}
