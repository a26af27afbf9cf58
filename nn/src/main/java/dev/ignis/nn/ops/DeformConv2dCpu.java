package dev.ignis.nn.ops;

import dev.ignis.ops.OpAttributes;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;

/**
 * CPU kernels of {@code ignis_vision::deform_conv2d} (Dai et al. 2017; with a mask, v2: Zhu et al.
 * 2019), with torchvision's arithmetic. For output pixel (ho, wo), kernel tap k = (i, j) and input
 * channel c in offset group g, the sampling point is
 * p = (ho·sh − ph + i·dh + Δy, wo·sw − pw + j·dw + Δx), Δ = offset[b, g·2K + 2k (+1), ho, wo], and
 * out[b, o, ho, wo] = bias[o] + Σ_{c, k} weight[o, c, k] · mask[b, g·K + k, ho, wo] · x[b, c](p).
 * The sampled, masked values form a [C·K, Ho·Wo] column matrix per image, so the contraction with
 * the weights is one matrix product per weight group. Computes in float64, returns the input dtype.
 */
final class DeformConv2dCpu {
    private DeformConv2dCpu() {
    }

    /** The sizes and the values a sampling pass reads: input, offset and mask (null without one) as float64. */
    private record Operands(DeformConvGeometry g, double[] x, double[] off, double[] m) {
        static Operands of(Tensor input, Tensor weight, Tensor offset, Tensor mask, OpAttributes attrs) {
            return new Operands(DeformConvGeometry.of(input, weight, offset, attrs), input.toDoubleArray(),
                    offset.toDoubleArray(), mask == null ? null : mask.toDoubleArray());
        }
    }

    /** inputs: input, weight, offset, mask (or null), bias (or null) → {output}. */
    static Tensor[] forward(Tensor[] in, OpAttributes attrs) {
        Tensor input = in[0];
        Tensor weight = in[1];
        Tensor offset = in[2];
        Tensor bias = in[4];
        Operands ops = Operands.of(input, weight, offset, in[3], attrs);
        DeformConvGeometry g = ops.g();
        Tensor w = weightsByGroup(weight, g);
        Tensor[] outputs = new Tensor[g.batch()];
        for (int b = 0; b < g.batch(); b++) {
            Tensor columns = Tensor.fromArray(columns(ops, b)).reshape(g.groups(),
                    g.channels() / g.groups() * g.kernelSize(), g.outPixels());
            outputs[b] = w.matmul(columns).reshape(g.outChannels(), g.outH(), g.outW());
        }
        Tensor out = Tensor.stack(java.util.List.of(outputs), 0);
        if (bias != null) {
            out = out.add(bias.to(DType.FLOAT64).reshape(1, g.outChannels(), 1, 1));
        }
        return new Tensor[] {out.to(input.dtype())};
    }

    /**
     * inputs: gradOutput, input, weight, offset, mask (or null), bias (or null) →
     * {grad input, grad weight, grad offset, grad mask (null without a mask), grad bias (null without a bias)}.
     */
    static Tensor[] backward(Tensor[] in, OpAttributes attrs) {
        Tensor gradOut = in[0];
        Tensor input = in[1];
        Tensor weight = in[2];
        Tensor offset = in[3];
        Tensor mask = in[4];
        Tensor bias = in[5];
        Operands ops = Operands.of(input, weight, offset, mask, attrs);
        DeformConvGeometry g = ops.g();
        int perGroupIn = g.channels() / g.groups() * g.kernelSize();
        int perGroupOut = g.outChannels() / g.groups();
        Tensor w = weightsByGroup(weight, g);                    // [groups, O/groups, C/groups·K]
        Tensor wT = w.transpose(1, 2);
        Tensor go = gradOut.to(DType.FLOAT64).reshape(g.batch(), g.groups(), perGroupOut, g.outPixels());
        double[] gradInput = new double[ops.x().length];
        double[] gradOffset = new double[ops.off().length];
        double[] gradMask = ops.m() == null ? null : new double[ops.m().length];
        Tensor gradWeight = Tensor.zeros(DType.FLOAT64, weight.device(), g.groups(), perGroupOut, perGroupIn);
        for (int b = 0; b < g.batch(); b++) {
            Tensor gob = go.select(0, b);                                   // [groups, O/groups, L]
            Tensor columns = Tensor.fromArray(columns(ops, b)).reshape(g.groups(), perGroupIn, g.outPixels());
            gradWeight = gradWeight.add(gob.matmul(columns.transpose(1, 2)));
            double[] gradColumns = wT.matmul(gob).contiguous().toDoubleArray();   // [C·K, L]
            scatterColumns(gradColumns, ops, b, gradInput, gradOffset, gradMask);
        }
        DType dt = input.dtype();
        return new Tensor[] {
            Tensor.fromArray(gradInput).reshape(input.shape()).to(dt),
            gradWeight.reshape(weight.shape()).to(weight.dtype()),
            Tensor.fromArray(gradOffset).reshape(offset.shape()).to(offset.dtype()),
            gradMask == null ? null : Tensor.fromArray(gradMask).reshape(mask.shape()).to(mask.dtype()),
            bias == null ? null : gradOut.to(DType.FLOAT64).sum(new int[] {0, 2, 3}, false).to(bias.dtype())};
    }

    private static Tensor weightsByGroup(Tensor weight, DeformConvGeometry g) {
        return weight.to(DType.FLOAT64).reshape(g.groups(), g.outChannels() / g.groups(),
                g.channels() / g.groups() * g.kernelSize());
    }

    /** Sampled, masked values of image b: [C·K, Ho·Wo], row c·K + k. */
    private static double[] columns(Operands ops, int b) {
        DeformConvGeometry g = ops.g();
        double[] x = ops.x();
        double[] off = ops.off();
        double[] m = ops.m();
        int k2 = g.kernelSize();
        int pixels = g.outPixels();
        double[] cols = new double[g.channels() * k2 * pixels];
        int plane = g.height() * g.width();
        for (int c = 0; c < g.channels(); c++) {
            int og = c / g.channelsPerOffsetGroup();
            int xBase = (b * g.channels() + c) * plane;
            for (int k = 0; k < k2; k++) {
                int row = (c * k2 + k) * pixels;
                for (int l = 0; l < pixels; l++) {
                    double[] p = point(off, b, og, k, l, g);
                    double scale = m == null ? 1 : m[maskIndex(b, og, k, l, g)];
                    cols[row + l] = scale * DeformConvSampling.bilinear(x, xBase, g.height(), g.width(), p[0], p[1]);
                }
            }
        }
        return cols;
    }

    /** Spreads the column gradient of image b into the input, offset and mask gradients. */
    private static void scatterColumns(double[] gradColumns, Operands ops, int b, double[] gradInput, double[] gradOffset,
                                       double[] gradMask) {
        DeformConvGeometry g = ops.g();
        double[] x = ops.x();
        double[] off = ops.off();
        double[] m = ops.m();
        int k2 = g.kernelSize();
        int pixels = g.outPixels();
        int plane = g.height() * g.width();
        for (int c = 0; c < g.channels(); c++) {
            int og = c / g.channelsPerOffsetGroup();
            int xBase = (b * g.channels() + c) * plane;
            for (int k = 0; k < k2; k++) {
                int row = (c * k2 + k) * pixels;
                for (int l = 0; l < pixels; l++) {
                    double gc = gradColumns[row + l];
                    double[] p = point(off, b, og, k, l, g);
                    int mi = maskIndex(b, og, k, l, g);
                    double scale = m == null ? 1 : m[mi];
                    DeformConvSampling.scatter(gradInput, xBase, g.height(), g.width(), p[0], p[1], scale * gc);
                    int oi = offsetIndex(b, og, k, l, g);
                    gradOffset[oi] += scale * gc
                            * DeformConvSampling.coordinateWeight(x, xBase, g.height(), g.width(), p[0], p[1], true);
                    gradOffset[oi + pixels] += scale * gc
                            * DeformConvSampling.coordinateWeight(x, xBase, g.height(), g.width(), p[0], p[1], false);
                    if (gradMask != null) {
                        gradMask[mi] += gc * DeformConvSampling.bilinear(x, xBase, g.height(), g.width(), p[0], p[1]);
                    }
                }
            }
        }
    }

    /** The sampling point (y, x) of tap k at output pixel l in offset group og of image b. */
    private static double[] point(double[] off, int b, int og, int k, int l, DeformConvGeometry g) {
        int oi = offsetIndex(b, og, k, l, g);
        int i = k / g.kw();
        int j = k % g.kw();
        int ho = l / g.outW();
        int wo = l % g.outW();
        double y = ho * g.strideH() - g.padH() + i * g.dilH() + off[oi];
        double xx = wo * g.strideW() - g.padW() + j * g.dilW() + off[oi + g.outPixels()];
        return new double[] {y, xx};
    }

    /** Index of Δy for (b, og, k, l); Δx is one channel (outPixels entries) further. */
    private static int offsetIndex(int b, int og, int k, int l, DeformConvGeometry g) {
        int channel = og * 2 * g.kernelSize() + 2 * k;
        return ((b * g.offsetGroups() * 2 * g.kernelSize()) + channel) * g.outPixels() + l;
    }

    private static int maskIndex(int b, int og, int k, int l, DeformConvGeometry g) {
        return ((b * g.offsetGroups() * g.kernelSize()) + og * g.kernelSize() + k) * g.outPixels() + l;
    }
}
