package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.nn.ops.DeformConv2dOp;
import dev.ignis.ops.OpAttributes;
import dev.ignis.ops.Ops;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;

/**
 * Deformable convolution (torchvision.ops.DeformConv2d): a Conv2d whose taps sample the input at
 * learned fractional offsets, optionally scaled by a mask (modulated, v2). Input [B, Cin, H, W],
 * offset [B, 2·G·kh·kw, Ho, Wo] (G offset groups, Δy then Δx per tap), mask [B, G·kh·kw, Ho, Wo];
 * output [B, Cout, Ho, Wo] with Conv2d's Ho, Wo. Weight [Cout, Cin/groups, kh, kw], bias [Cout],
 * initialised as Conv2d. Runs the registered op {@value DeformConv2dOp#NAME}; call
 * {@link #forward(Tensor, Tensor, Tensor)} — the one-argument {@link #forward(Tensor)} has no offsets.
 */
public final class DeformConv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    /** {@code DeformConv2d(in, out, k, stride=1, padding=0)} with a bias. */
    public DeformConv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, 1, true, Generator.getDefault());
    }

    public DeformConv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                        int groups, boolean bias, Generator gen) {
        if (groups <= 0 || inChannels % groups != 0) {
            throw new IllegalArgumentException("DeformConv2d: in_channels must be divisible by groups, got in_channels="
                    + inChannels + ", groups=" + groups);
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException("DeformConv2d: out_channels must be divisible by groups, got out_channels="
                    + outChannels + ", groups=" + groups);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        this.weight = registerParameter("weight", Init.empty(outChannels, inChannels / groups, kernel[0], kernel[1]));
        this.bias = registerParameter("bias", bias ? Init.empty(outChannels) : null);
        Init.defaultLayerInit(weight, this.bias, gen);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    /** Always fails: a deformable convolution needs its offsets. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(describe() + ": needs offsets; call forward(input, offset) or"
                + " forward(input, offset, mask)");
    }

    public Tensor forward(Tensor input, Tensor offset) {
        return forward(input, offset, null);
    }

    /** @param mask null for the unmodulated (v1) form */
    public Tensor forward(Tensor input, Tensor offset, Tensor mask) {
        if (input.dim() != 4 || input.size(1) != inChannels) {
            throw new IllegalArgumentException(describe() + ": expected input [batch, " + inChannels
                    + ", height, width], got " + java.util.Arrays.toString(input.shape()));
        }
        return deformConv2d(input, offset, weight, bias, stride, padding, dilation, mask);
    }

    /** torchvision.ops.deform_conv2d, the functional form. */
    public static Tensor deformConv2d(Tensor input, Tensor offset, Tensor weight, Tensor bias, int[] stride,
                                      int[] padding, int[] dilation, Tensor mask) {
        OpAttributes attrs = OpAttributes.of().with("stride", stride).with("padding", padding).with("dilation", dilation);
        return Ops.call(DeformConv2dOp.NAME, attrs, input, weight, offset, mask, bias);
    }

    @Override
    protected String extraRepr() {
        return Repr.conv2d(inChannels, outChannels, kernel, stride, Repr.padding(padding), dilation, groups, bias != null);
    }
}
