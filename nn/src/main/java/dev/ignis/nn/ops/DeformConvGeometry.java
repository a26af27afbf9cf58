package dev.ignis.nn.ops;

import dev.ignis.ops.OpAttributes;
import dev.ignis.tensor.Tensor;

/**
 * The sizes of one deform_conv2d call: input [B, C, H, W], weight [O, C/groups, kh, kw], offset
 * [B, 2·G·kh·kw, Ho, Wo], mask [B, G·kh·kw, Ho, Wo]; G offset groups, {@code groups} weight groups.
 */
record DeformConvGeometry(int batch, int channels, int height, int width, int outChannels, int kh, int kw,
                          int strideH, int strideW, int padH, int padW, int dilH, int dilW, int offsetGroups,
                          int groups, int outH, int outW) {

    static DeformConvGeometry of(Tensor input, Tensor weight, Tensor offset, OpAttributes a) {
        int[] stride = a.getInts("stride");
        int[] padding = a.getInts("padding");
        int[] dilation = a.getInts("dilation");
        int kh = weight.size(2);
        int kw = weight.size(3);
        int outH = (input.size(2) + 2 * padding[0] - (dilation[0] * (kh - 1) + 1)) / stride[0] + 1;
        int outW = (input.size(3) + 2 * padding[1] - (dilation[1] * (kw - 1) + 1)) / stride[1] + 1;
        return new DeformConvGeometry(input.size(0), input.size(1), input.size(2), input.size(3), weight.size(0), kh, kw,
                stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], offset.size(1) / (2 * kh * kw),
                input.size(1) / weight.size(1), outH, outW);
    }

    int kernelSize() {
        return kh * kw;
    }

    int outPixels() {
        return outH * outW;
    }

    /** Input channels per offset group. */
    int channelsPerOffsetGroup() {
        return channels / offsetGroups;
    }
}
