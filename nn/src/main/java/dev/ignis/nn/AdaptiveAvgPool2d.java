package dev.ignis.nn;

import dev.ignis.tensor.Tensor;

/** Average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d). */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH;
    private final int outW;

    public AdaptiveAvgPool2d(int outH, int outW) {
        this.outH = outH;
        this.outW = outW;
    }

    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + (outH == outW ? String.valueOf(outH) : "(" + outH + ", " + outW + ")");
    }
}
