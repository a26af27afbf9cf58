package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Convolution;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/**
 * Transposed 2-D convolution (torch.nn.ConvTranspose2d): [N, Cin, H, W] → [N, Cout, OH, OW] with
 * OH = (H − 1)·s − 2p + d(k − 1) + output_padding + 1. Weight [Cin, Cout/groups, kh, kw];
 * initialisation as PyTorch (kaiming_uniform(a = √5) with fan_in = Cout/groups·kh·kw).
 */
public final class ConvTranspose2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] outputPadding;
    private final int groups;
    private final int[] dilation;
    private final Tensor weight;
    private final Tensor bias;

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {padding, padding}, new int[] {0, 0}, 1, true, new int[] {1, 1}, Generator.getDefault());
    }

    public ConvTranspose2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
                           int[] outputPadding, int groups, boolean bias, int[] dilation, Generator gen) {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("ConvTranspose2d: in_channels (" + inChannels + ") and out_channels ("
                    + outChannels + ") must be divisible by groups (" + groups + ")");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.outputPadding = outputPadding.clone();
        this.groups = groups;
        this.dilation = dilation.clone();
        this.weight = registerParameter("weight", Init.empty(inChannels, outChannels / groups, kernel[0], kernel[1]));
        this.bias = registerParameter("bias", bias ? Init.empty(outChannels) : null);
        Init.defaultLayerInit(weight, this.bias, gen);
    }

    @Override
    public Tensor forward(Tensor x) {
        if ((x.dim() != 3 && x.dim() != 4) || x.size(-3) != inChannels) {
            throw new IllegalArgumentException(describe() + ": expected input [N, " + inChannels + ", H, W], got "
                    + Shape.format(x.shape()));
        }
        return Convolution.convTranspose2d(x, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=" + Repr.pair(kernel) + ", stride=" + Repr.pair(stride)
                + (padding[0] != 0 || padding[1] != 0 ? ", padding=" + Repr.pair(padding) : "")
                + (outputPadding[0] != 0 || outputPadding[1] != 0 ? ", output_padding=" + Repr.pair(outputPadding) : "")
                + (groups != 1 ? ", groups=" + groups : "") + (bias == null ? ", bias=False" : "")
                + (dilation[0] != 1 || dilation[1] != 1 ? ", dilation=" + Repr.pair(dilation) : "");
    }
}
