package dev.ignis.tensor;

import dev.ignis.autograd.GradMode;
import dev.ignis.backend.kernels.Conv2dKernels;
import dev.ignis.backend.kernels.Im2Col;
import dev.ignis.backend.kernels.MaxPool2dKernels;
import dev.ignis.backend.kernels.Window2d;

/**
 * Convolution and pooling over {@code [N, C, L]} (1-D) and {@code [N, C, H, W]} (2-D) inputs, as
 * torch.nn.functional: validation and autograd here, the arithmetic in the kernel families
 * ({@link Conv2dKernels}, {@link MaxPool2dKernels}, {@link Im2Col}) of the tensor's device.
 * Max pooling routes the gradient to the arg max of each window.
 */
public final class Convolution {
    private Convolution() {
    }

    /**
     * out[n, o] = bias[o] + Σ_{c in group(o), i, j} w[o, c, i, j] · x[n, c, s·y + d·i − p, s·x + d·j − p].
     *
     * @param x        {@code [N, C, H, W]} (or unbatched {@code [C, H, W]})
     * @param weight   {@code [O, C/groups, kh, kw]}
     * @param bias     {@code [O]} or null
     * @param stride   {sh, sw}; padding {ph, pw}; dilation {dh, dw}
     * @return {@code [N, O, OH, OW]}
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        if (x.dim() == 3) {
            return conv2d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0);
        }
        if (x.dim() != 4 || weight.dim() != 4) {
            throw new IllegalArgumentException("conv2d: expected 4-D input [N, C, H, W] and 4-D weight [O, C/groups, kH, kW],"
                    + " got input " + Shape.format(x.shape()) + " and weight " + Shape.format(weight.shape()));
        }
        int n = x.size(0);
        int c = x.size(1);
        int o = weight.size(0);
        if (groups <= 0 || c % groups != 0 || o % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups (" + groups + ") must be positive and divide both in_channels ("
                    + c + ") and out_channels (" + o + ")");
        }
        if (weight.size(1) * groups != c) {
            throw new IllegalArgumentException("conv2d: Given groups=" + groups + ", weight of size "
                    + Shape.format(weight.shape()) + ", expected input" + Shape.format(x.shape()) + " to have "
                    + weight.size(1) * groups + " channels, but got " + c + " channels instead");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != o)) {
            throw new IllegalArgumentException("conv2d: bias must have shape [" + o + "], got " + Shape.format(bias.shape()));
        }
        Windows win = new Windows(n, c, x.size(2), x.size(3), weight.size(2), weight.size(3), stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1]);
        win.check("conv2d");
        Kernels.checkSameDevice("conv2d", x, weight, bias);
        Window2d g = win.window2d();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), n, o, win.outH(), win.outW());
        Tensor xc = x.contiguous().detach();
        Tensor wc = weight.contiguous().detach();
        Tensor bc = bias == null ? null : bias.contiguous().detach();
        Kernels.of(Conv2dKernels.FORWARD, x).run(x.backend(), xc.asView(), wc.asView(), Tensor.operand(bc), g, groups,
                out.asView());
        int[] xShape = x.shape();
        int[] wShape = weight.shape();
        return Autograd.record("ConvolutionBackward0", out, Autograd.of(x, weight, bias), Autograd.of(xc, wc),
                (grad, ctx) -> {
                    Tensor gc = grad.contiguous();
                    Tensor gx = ctx.needsGrad(0) ? Tensor.zeros(gc.dtype(), gc.device(), xShape) : null;
                    Tensor gw = ctx.needsGrad(1) ? Tensor.zeros(gc.dtype(), gc.device(), wShape) : null;
                    if (gx != null || gw != null) {
                        Kernels.of(Conv2dKernels.BACKWARD, gc).run(gc.backend(), gc.asView(), ctx.saved(0).asView(),
                                ctx.saved(1).asView(), g, groups, Tensor.operand(gx), Tensor.operand(gw));
                    }
                    Tensor gb = ctx.needsGrad(2) ? grad.sum(new int[] {0, 2, 3}, false) : null;
                    return new Tensor[] {gx, gw, gb};
                });
    }

    /**
     * Transposed convolution (the adjoint of conv2d, torch.nn.functional.conv_transpose2d):
     * x [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw] → [N, Cout, OH, OW] with
     * OH = (H − 1)·s − 2p + d(kh − 1) + output_padding + 1. Forward is GEMM + col2im; backward:
     * dx = conv2d(g, weight), dW = x·im2col(g)ᵀ per group, db = Σ g.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int groups, int[] dilation) {
        if (x.dim() == 3) {
            return convTranspose2d(x.unsqueeze(0), weight, bias, stride, padding, outputPadding, groups, dilation)
                    .squeeze(0);
        }
        if (x.dim() != 4 || weight.dim() != 4) {
            throw new IllegalArgumentException("conv_transpose2d: expected 4-D input [N, Cin, H, W] and 4-D weight [Cin,"
                    + " Cout/groups, kH, kW], got input " + Shape.format(x.shape()) + " and weight "
                    + Shape.format(weight.shape()));
        }
        int n = x.size(0);
        int cin = x.size(1);
        if (groups <= 0 || cin != weight.size(0) || cin % groups != 0) {
            throw new IllegalArgumentException("conv_transpose2d: Given transposed=1, weight of size "
                    + Shape.format(weight.shape()) + ", expected input" + Shape.format(x.shape()) + " to have "
                    + weight.size(0) + " channels (divisible by groups=" + groups + "), but got " + cin + " channels");
        }
        for (int i = 0; i < 2; i++) {
            if (outputPadding[i] >= Math.max(stride[i], dilation[i])) {
                throw new IllegalArgumentException("conv_transpose2d: output padding must be smaller than either stride"
                        + " or dilation, got output_padding=" + Shape.format(outputPadding));
            }
        }
        int coutG = weight.size(1);
        int cout = coutG * groups;
        int kh = weight.size(2);
        int kw = weight.size(3);
        int h = x.size(2);
        int w = x.size(3);
        int oh = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
        int ow = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
        if (bias != null && (bias.dim() != 1 || bias.size(0) != cout)) {
            throw new IllegalArgumentException("conv_transpose2d: bias must have shape [" + cout + "], got "
                    + Shape.format(bias.shape()));
        }
        // The forward conv this op is the adjoint of maps [N, Cout, OH, OW] to [N, Cin, H, W].
        Windows win = new Windows(n, cout, oh, ow, kh, kw, stride[0], stride[1], padding[0], padding[1],
                dilation[0], dilation[1]);
        if (oh <= 0 || ow <= 0 || win.outH() != h || win.outW() != w) {
            throw new IllegalArgumentException("conv_transpose2d: input " + Shape.format(x.shape())
                    + " gives an invalid output size " + oh + "x" + ow);
        }
        int cinG = cin / groups;
        int ckk = coutG * kh * kw;
        int l = h * w;
        Tensor out;
        try (var ignored = GradMode.noGrad()) {
            Tensor w3 = weight.contiguous().view(groups, cinG, ckk);
            Tensor x4 = x.contiguous().view(n, groups, cinG, l);
            Tensor[] cols = new Tensor[groups];
            for (int g = 0; g < groups; g++) {
                cols[g] = w3.select(0, g).t().unsqueeze(0).expand(n, ckk, cinG).bmm(x4.select(1, g));
            }
            Tensor all = groups == 1 ? cols[0] : Tensor.stack(java.util.List.of(cols), 1);
            out = win.fold(all.reshape(n, cout, kh, kw, h, w));
            if (bias != null) {
                out.add_(bias.view(1, cout, 1, 1));
            }
        }
        return Autograd.record("ConvolutionBackward0", out, Autograd.of(x, weight, bias), Autograd.of(x, weight),
                (grad, ctx) -> {
                    Tensor in = ctx.saved(0);
                    Tensor wt = ctx.saved(1);
                    Tensor gx = ctx.needsGrad(0) ? conv2d(grad, wt, null, stride, padding, dilation, groups) : null;
                    Tensor gw = null;
                    if (ctx.needsGrad(1)) {
                        Tensor gcols = columns(grad, win, groups, ckk, l);
                        Tensor x4 = in.contiguous().view(n, groups, cinG, l);
                        Tensor[] parts = new Tensor[groups];
                        for (int g = 0; g < groups; g++) {
                            parts[g] = x4.select(1, g).bmm(gcols.select(1, g).transpose(1, 2)).sum(0, false);
                        }
                        gw = Tensor.stack(java.util.List.of(parts), 0).reshape(wt.shape());
                    }
                    Tensor gb = ctx.needsGrad(2) ? grad.sum(new int[] {0, 2, 3}, false) : null;
                    return new Tensor[] {gx, gw, gb};
                });
    }

    /** im2col: {@code [N, groups, C/groups·kh·kw, OH·OW]}, contiguous. */
    private static Tensor columns(Tensor x, Windows win, int groups, int cgkk, int l) {
        Tensor xp = win.pad(x.contiguous(), 0.0).detach();
        Tensor cols = Tensor.zeros(x.dtype(), x.device(), win.n(), win.c(), win.kh(), win.kw(), win.outH(), win.outW());
        Kernels.of(Im2Col.UNFOLD, x).run(x.backend(), xp.asView(), win.window2d(), cols.asView());
        return cols.view(win.n(), groups, cgkk, l);
    }

    /** conv2d on {@code [N, C, L]} with weight {@code [O, C/groups, k]}. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        if (x.dim() == 2) {
            return conv1d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0);
        }
        if (x.dim() != 3 || weight.dim() != 3) {
            throw new IllegalArgumentException("conv1d: expected 3-D input [N, C, L] and 3-D weight [O, C/groups, k], got"
                    + " input " + Shape.format(x.shape()) + " and weight " + Shape.format(weight.shape()));
        }
        return conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, new int[] {1, stride}, new int[] {0, padding},
                new int[] {1, dilation}, groups).squeeze(2);
    }

    /** Max over each window (padding counts as −∞); backward routes g to each window's arg max. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        if (x.dim() == 3) {
            return maxPool2d(x.unsqueeze(0), kernel, stride, padding, dilation).squeeze(0);
        }
        Windows win = poolWindows("max_pool2d", x, kernel, stride, padding, dilation);
        Tensor xc = x.contiguous().detach();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), win.n(), win.c(), win.outH(), win.outW());
        Tensor argmax = Tensor.zeros(DType.INT64, x.device(), win.n(), win.c(), win.outH(), win.outW());
        Kernels.of(MaxPool2dKernels.FORWARD, x).run(x.backend(), xc.asView(), win.window2d(), out.asView(),
                argmax.asView());
        int[] in = x.shape();
        return Autograd.record("MaxPool2DWithIndicesBackward0", out, Autograd.of(x), Autograd.of(argmax), (g, ctx) -> {
            Tensor gi = Tensor.zeros(g.dtype(), g.device(), in);
            Tensor gc = g.contiguous();
            Kernels.of(MaxPool2dKernels.BACKWARD, gc).run(gc.backend(), gc.asView(), ctx.saved(0).asView(),
                    gi.asView());
            return new Tensor[] {gi};
        });
    }

    /** Mean over each window, zero padding included in the count (count_include_pad=True). */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        if (x.dim() == 3) {
            return avgPool2d(x.unsqueeze(0), kernel, stride, padding).squeeze(0);
        }
        Windows win = poolWindows("avg_pool2d", x, kernel, stride, padding, new int[] {1, 1});
        int k = win.kh() * win.kw();
        Tensor out;
        try (var ignored = GradMode.noGrad()) {
            out = win.unfold(win.pad(x.contiguous(), 0.0)).sum(new int[] {2, 3}, false).div(k);
        }
        int[] colShape = {win.n(), win.c(), win.kh(), win.kw(), win.outH(), win.outW()};
        return Autograd.record("AvgPool2DBackward0", out, x, (g, ctx) -> new Tensor[] {
            win.fold(g.div(k).view(win.n(), win.c(), 1, 1, win.outH(), win.outW()).expand(colShape))});
    }

    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return pool1d(x, t -> maxPool2d(t, new int[] {1, kernel}, new int[] {1, stride}, new int[] {0, padding},
                new int[] {1, dilation}));
    }

    public static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool1d(x, t -> avgPool2d(t, new int[] {1, kernel}, new int[] {1, stride}, new int[] {0, padding}));
    }

    private static Tensor pool1d(Tensor x, java.util.function.UnaryOperator<Tensor> pool2d) {
        if (x.dim() != 2 && x.dim() != 3) {
            throw new IllegalArgumentException("pool1d: expected 2-D or 3-D input [N, C, L], got " + Shape.format(x.shape()));
        }
        return pool2d.apply(x.unsqueeze(-2)).squeeze(-2);
    }

    static Windows poolWindows(String op, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException(op + ": expected 3-D or 4-D input [N, C, H, W], got " + Shape.format(x.shape()));
        }
        int[] s = stride == null ? kernel : stride;
        for (int i = 0; i < 2; i++) {
            int effective = dilation[i] * (kernel[i] - 1) + 1;
            if (padding[i] > effective / 2) {
                throw new IllegalArgumentException(op + ": pad should be at most half of effective kernel size, but got pad="
                        + padding[i] + ", kernel_size=" + kernel[i] + " and dilation=" + dilation[i]);
            }
        }
        Windows win = new Windows(x.size(0), x.size(1), x.size(2), x.size(3), kernel[0], kernel[1], s[0], s[1],
                padding[0], padding[1], dilation[0], dilation[1]);
        win.check(op);
        return win;
    }
}
