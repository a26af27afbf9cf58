package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.Map;

/**
 * 2-D convolution (torch.nn.Conv2d): x [N, Cin, H, W] → [N, Cout, OH, OW] with
 * OH = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1. Weight [Cout, Cin/groups, kh, kw], bias [Cout]. Padding
 * "same" keeps H and W (stride 1, symmetric padding d(k−1)/2, so d(k−1) must be even).
 * Initialisation as PyTorch: kaiming_uniform(a = √5) and bias U(±1/√fan_in).
 */
public final class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final boolean samePadding;
    private final Tensor weight;
    private final Tensor bias;

    /** {@code Conv2d(in, out, k, stride=1, padding=0)}. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {padding, padding}, new int[] {1, 1}, 1, true, Generator.getDefault());
    }

    public Conv2d(int inChannels, int outChannels, int kernel) {
        this(inChannels, outChannels, kernel, 1, 0);
    }

    /** With padding "same" (and stride 1). */
    public static Conv2d same(int inChannels, int outChannels, int[] kernel, int[] dilation, int groups, boolean bias,
                              Generator gen) {
        int[] pad = new int[2];
        for (int i = 0; i < 2; i++) {
            int total = dilation[i] * (kernel[i] - 1);
            if (total % 2 != 0) {
                throw new IllegalArgumentException("Conv2d: padding='same' needs an even dilation·(kernel−1) per dim;"
                        + " got kernel " + Shape.format(kernel) + ", dilation " + Shape.format(dilation));
            }
            pad[i] = total / 2;
        }
        return new Conv2d(inChannels, outChannels, kernel, new int[] {1, 1}, pad, dilation, groups, bias, gen, true);
    }

    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias, Generator gen) {
        this(inChannels, outChannels, kernel, stride, padding, dilation, groups, bias, gen, false);
    }

    private Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                   int groups, boolean bias, Generator gen, boolean samePadding) {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: in_channels (" + inChannels + ") and out_channels ("
                    + outChannels + ") must be divisible by groups (" + groups + ")");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        this.samePadding = samePadding;
        this.weight = registerParameter("weight", Init.empty(outChannels, inChannels / groups, kernel[0], kernel[1]));
        this.bias = registerParameter("bias", bias ? Init.empty(outChannels) : null);
        resetParameters(gen);
    }

    public void resetParameters(Generator gen) {
        Init.defaultLayerInit(weight, bias, gen);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        if ((x.dim() != 3 && x.dim() != 4) || x.size(-3) != inChannels) {
            throw new IllegalArgumentException(describe() + ": expected input [N, " + inChannels + ", H, W] (or ["
                    + inChannels + ", H, W]), got " + Shape.format(x.shape()));
        }
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return Repr.conv2d(inChannels, outChannels, kernel, stride, samePadding ? "same" : Repr.padding(padding), dilation,
                groups, bias != null);
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("in_channels", inChannels, "out_channels", outChannels, "kernel_size", kernel.clone(),
                "stride", stride.clone(), "padding", samePadding ? "same" : padding.clone(), "dilation", dilation.clone(),
                "groups", groups, "bias", bias != null);
    }
}
