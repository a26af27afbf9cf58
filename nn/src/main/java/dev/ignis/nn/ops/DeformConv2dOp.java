package dev.ignis.nn.ops;

import dev.ignis.ops.OpAttributes;
import dev.ignis.ops.OpBackward;
import dev.ignis.ops.OpDefinition;
import dev.ignis.ops.Ops;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/**
 * {@code ignis_vision::deform_conv2d(input, weight, offset, mask?, bias?; stride, padding,
 * dilation)} — torchvision.ops.deform_conv2d as a registered op — and its backward op
 * {@code ignis_vision::_deform_conv2d_backward}, each with a CPU kernel. The autograd formula calls
 * the backward op, so a backend that registers kernels for both gets training too.
 */
public final class DeformConv2dOp {
    public static final String NAME = "ignis_vision::deform_conv2d";
    public static final String BACKWARD_NAME = "ignis_vision::_deform_conv2d_backward";

    private DeformConv2dOp() {
    }

    static OpDefinition forward() {
        return OpDefinition.builder(NAME)
                .inputs("input", "weight", "offset", "mask", "bias")
                .check((in, attrs) -> check(in[0], in[1], in[2], in[3], in[4], attrs))
                .kernel(DeviceType.CPU, DeformConv2dCpu::forward)
                .backward(DeformConv2dOp::backward)
                .build();
    }

    static OpDefinition backwardOp() {
        return OpDefinition.builder(BACKWARD_NAME)
                .inputs("grad_output", "input", "weight", "offset", "mask", "bias")
                .kernel(DeviceType.CPU, DeformConv2dCpu::backward)
                .build();
    }

    private static Tensor[] backward(OpBackward.OpCall call, Tensor[] gradOutputs) {
        Tensor[] in = call.inputs();
        return Ops.callAll(BACKWARD_NAME, call.attributes(), gradOutputs[0], in[0], in[1], in[2], in[3], in[4]);
    }

    /** torchvision's checks, each naming the expected shape. */
    static void check(Tensor input, Tensor weight, Tensor offset, Tensor mask, Tensor bias, OpAttributes attrs) {
        require(input.dim() == 4, "input must be a 4-D tensor [batch, channels, height, width], got "
                + Shape.format(input.shape()));
        require(weight.dim() == 4, "weight must be a 4-D tensor [out_channels, in_channels / groups, kh, kw], got "
                + Shape.format(weight.shape()));
        require(offset.dim() == 4, "offset must be a 4-D tensor [batch, 2 * offset_groups * kh * kw, out_h, out_w], got "
                + Shape.format(offset.shape()));
        require(input.dtype().isFloatingPoint() && weight.dtype() == input.dtype() && offset.dtype() == input.dtype()
                && (mask == null || mask.dtype() == input.dtype()) && (bias == null || bias.dtype() == input.dtype()),
                "input, weight, offset, mask and bias must share one floating dtype, got input " + input.dtype()
                        + ", weight " + weight.dtype() + ", offset " + offset.dtype());
        int kh = weight.size(2);
        int kw = weight.size(3);
        int taps = kh * kw;
        int offsetGroups = offset.size(1) / (2 * taps);
        require(offsetGroups > 0 && offset.size(1) % (2 * taps) == 0, "the shape of the offset tensor at dimension 1 is"
                + " not valid. It should be a multiple of 2 * weight.size[2] * weight.size[3].\nGot offset.shape[1]="
                + offset.size(1) + ", while 2 * weight.size[2] * weight.size[3]=" + 2 * taps);
        require(weight.size(1) > 0 && input.size(1) % weight.size(1) == 0, "weight.shape[1] (in_channels / groups = "
                + weight.size(1) + ") must divide the input channels " + input.size(1));
        int groups = input.size(1) / weight.size(1);
        require(weight.size(0) % groups == 0, "out_channels " + weight.size(0) + " must be divisible by groups " + groups);
        require(input.size(1) % offsetGroups == 0, "input.shape[1] (" + input.size(1)
                + ") must be divisible by the offset groups (" + offsetGroups + ")");
        DeformConvGeometry g = DeformConvGeometry.of(input, weight, offset, attrs);
        require(g.outH() > 0 && g.outW() > 0, "Calculated output size too small - out_h: " + g.outH() + " out_w: "
                + g.outW());
        String offsetShape = Shape.format(new int[] {input.size(0), 2 * offsetGroups * taps, g.outH(), g.outW()});
        require(offset.size(0) == input.size(0), "invalid batch size of offset: got " + offset.size(0) + ", expected offset"
                + " of shape " + offsetShape);
        require(offset.size(2) == g.outH() && offset.size(3) == g.outW(), "offset output dims: (" + offset.size(2) + ", "
                + offset.size(3) + ") - computed output dims: (" + g.outH() + ", " + g.outW() + "); expected offset of"
                + " shape " + offsetShape);
        if (mask != null) {
            String maskShape = Shape.format(new int[] {input.size(0), offsetGroups * taps, g.outH(), g.outW()});
            require(mask.dim() == 4, "mask must be a 4-D tensor " + maskShape + ", got " + Shape.format(mask.shape()));
            require(mask.size(0) == input.size(0), "invalid batch size of mask: got " + mask.size(0)
                    + ", expected mask of shape " + maskShape);
            require(mask.size(1) == offsetGroups * taps, "mask.shape[1] is not valid: got: " + mask.size(1) + " expected: "
                    + offsetGroups * taps + " (mask of shape " + maskShape + ")");
            require(mask.size(2) == g.outH() && mask.size(3) == g.outW(), "mask output dims: (" + mask.size(2) + ", "
                    + mask.size(3) + ") - computed output dims: (" + g.outH() + ", " + g.outW() + "); expected mask of"
                    + " shape " + maskShape);
        }
        if (bias != null) {
            require(bias.dim() == 1 && bias.size(0) == weight.size(0), "bias must have shape ["
                    + weight.size(0) + "], got " + Shape.format(bias.shape()));
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(NAME + ": " + message);
        }
    }
}
