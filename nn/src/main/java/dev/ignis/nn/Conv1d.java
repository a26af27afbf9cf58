package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/**
 * 1-D convolution (torch.nn.Conv1d): x [N, Cin, L] → [N, Cout, ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1].
 * Weight [Cout, Cin/groups, k]; initialisation as Conv2d.
 */
public final class Conv1d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    public Conv1d(int inChannels, int outChannels, int kernel) {
        this(inChannels, outChannels, kernel, 1, 0, 1, 1, true, Generator.getDefault());
    }

    public Conv1d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups,
                  boolean bias, Generator gen) {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv1d: in_channels (" + inChannels + ") and out_channels ("
                    + outChannels + ") must be divisible by groups (" + groups + ")");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.weight = registerParameter("weight", Init.empty(outChannels, inChannels / groups, kernel));
        this.bias = registerParameter("bias", bias ? Init.empty(outChannels) : null);
        Init.defaultLayerInit(weight, this.bias, gen);
    }

    @Override
    public Tensor forward(Tensor x) {
        if ((x.dim() != 2 && x.dim() != 3) || x.size(-2) != inChannels) {
            throw new IllegalArgumentException(describe() + ": expected input [N, " + inChannels + ", L], got "
                    + Shape.format(x.shape()));
        }
        return F.conv1d(x, weight, bias, stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(" + kernel + ",), stride=(" + stride + ",)"
                + (padding != 0 ? ", padding=(" + padding + ",)" : "") + (dilation != 1 ? ", dilation=(" + dilation + ",)" : "")
                + (groups != 1 ? ", groups=" + groups : "") + (bias == null ? ", bias=False" : "");
    }
}
