package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** Max over kh×kw windows (torch.nn.MaxPool2d; stride defaults to the kernel size). */
public final class MaxPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;

    public MaxPool2d(int kernel) {
        this(new int[] {kernel, kernel}, null, new int[] {0, 0}, new int[] {1, 1});
    }

    /** {@code stride} null means the kernel size. */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        this.kernel = kernel.clone();
        this.stride = stride == null ? kernel.clone() : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
    }

    int[] kernel() {
        return kernel.clone();
    }

    int[] stride() {
        return stride.clone();
    }

    int[] padding() {
        return padding.clone();
    }

    int[] dilation() {
        return dilation.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.maxPool2d(x, kernel, stride, padding, dilation);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Repr.pair(kernel) + ", stride=" + Repr.pair(stride) + ", padding=" + Repr.pair(padding)
                + ", dilation=" + Repr.pair(dilation) + ", ceil_mode=False";
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("kernel_size", kernel.clone(), "stride", stride.clone(), "padding", padding.clone(),
                "dilation", dilation.clone());
    }
}
