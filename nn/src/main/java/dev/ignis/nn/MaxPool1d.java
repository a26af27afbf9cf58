package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** Max over windows of a [N, C, L] input (torch.nn.MaxPool1d; stride defaults to the kernel size). */
public final class MaxPool1d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;

    public MaxPool1d(int kernel) {
        this(kernel, kernel, 0, 1);
    }

    public MaxPool1d(int kernel, int stride, int padding, int dilation) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.maxPool1d(x, kernel, stride, padding, dilation);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation
                + ", ceil_mode=False";
    }
}
