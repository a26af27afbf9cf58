package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** Mean over kh×kw windows, padding counted (torch.nn.AvgPool2d; stride defaults to the kernel size). */
public final class AvgPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    public AvgPool2d(int kernel) {
        this(new int[] {kernel, kernel}, null, new int[] {0, 0});
    }

    public AvgPool2d(int[] kernel, int[] stride, int[] padding) {
        this.kernel = kernel.clone();
        this.stride = stride == null ? kernel.clone() : stride.clone();
        this.padding = padding.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.avgPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Repr.pair(kernel) + ", stride=" + Repr.pair(stride) + ", padding=" + Repr.pair(padding);
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("kernel_size", kernel.clone(), "stride", stride.clone(), "padding", padding.clone());
    }
}
