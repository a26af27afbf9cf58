package dev.ignis.tensor;

import dev.ignis.autograd.GradMode;

/**
 * Convolution and pooling over {@code [N, C, L]} (1-D) and {@code [N, C, H, W]} (2-D) inputs, as
 * torch.nn.functional. Convolution is im2col + batched GEMM; its backward is GEMM + col2im.
 * Pooling reduces each window with the row kernels; max pooling routes the gradient to the arg
 * max of each window.
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
        Tensor fused = fusedConv2d(x, weight, bias, win, groups);
        if (fused != null) {
            return fused;
        }
        int cgkk = weight.size(1) * win.kh() * win.kw();
        int og = o / groups;
        int l = win.outH() * win.outW();
        Tensor out;
        try (var ignored = GradMode.noGrad()) {
            Tensor cols = columns(x, win, groups, cgkk, l);
            Tensor w3 = weight.contiguous().view(groups, og, cgkk);
            Tensor[] perGroup = new Tensor[groups];
            for (int g = 0; g < groups; g++) {
                perGroup[g] = w3.select(0, g).unsqueeze(0).expand(n, og, cgkk).bmm(cols.select(1, g));
            }
            out = (groups == 1 ? perGroup[0] : Tensor.cat(java.util.List.of(perGroup), 1)).view(n, o, win.outH(), win.outW());
            if (bias != null) {
                out.add_(bias.view(1, o, 1, 1));   // out is this op's fresh result: no second buffer
            }
        }
        return Autograd.record("ConvolutionBackward0", out, Autograd.of(x, weight, bias), Autograd.of(x, weight),
                (grad, ctx) -> composedConv2dBackward(grad, ctx.saved(0), ctx.saved(1), win, groups,
                        ctx.needsGrad(0), ctx.needsGrad(1), ctx.needsGrad(2)));
    }

    /**
     * conv2d through the backend's convolution kernel (per-sample im2col kept in cache), or null
     * where the backend has none for these operands. Its backward falls back to the composed one
     * if the backend declines the gradient kernel.
     */
    private static Tensor fusedConv2d(Tensor x, Tensor weight, Tensor bias, Windows win, int groups) {
        if (!x.device().equals(weight.device()) || (bias != null && !x.device().equals(bias.device()))) {
            return null;
        }
        Tensor out = Tensor.zeros(x.dtype(), x.device(), win.n(), weight.size(0), win.outH(), win.outW());
        Tensor xc = x.contiguous().detach();
        Tensor wc = weight.contiguous().detach();
        Tensor bc = bias == null ? null : bias.contiguous().detach();
        if (!x.backend().conv2dForward(xc.asView(), wc.asView(), Tensor.operand(bc), win.geometry(), groups, out.asView())) {
            return null;
        }
        int[] xShape = x.shape();
        int[] wShape = weight.shape();
        return Autograd.record("ConvolutionBackward0", out, Autograd.of(x, weight, bias), Autograd.of(x, weight),
                (grad, ctx) -> {
                    Tensor in = ctx.saved(0).contiguous();
                    Tensor w = ctx.saved(1).contiguous();
                    Tensor gc = grad.contiguous();
                    Tensor gx = ctx.needsGrad(0) ? Tensor.zeros(gc.dtype(), gc.device(), xShape) : null;
                    Tensor gw = ctx.needsGrad(1) ? Tensor.zeros(gc.dtype(), gc.device(), wShape) : null;
                    if ((gx == null && gw == null)
                            || gc.backend().conv2dBackward(gc.asView(), in.asView(), Tensor.operand(w), win.geometry(), groups, Tensor.operand(gx), Tensor.operand(gw))) {
                        Tensor gb = ctx.needsGrad(2) ? grad.sum(new int[] {0, 2, 3}, false) : null;
                        return new Tensor[] {gx, gw, gb};
                    }
                    return composedConv2dBackward(grad, in, w, win, groups, ctx.needsGrad(0), ctx.needsGrad(1),
                            ctx.needsGrad(2));
                });
    }

    /** conv2d's backward as im2col + batched GEMM + col2im: {gradInput, gradWeight, gradBias}, null where not needed. */
    private static Tensor[] composedConv2dBackward(Tensor grad, Tensor in, Tensor weight, Windows win, int groups,
                                                   boolean needInput, boolean needWeight, boolean needBias) {
        int n = win.n();
        int c = win.c();
        int og = weight.size(0) / groups;
        int cgkk = weight.size(1) * win.kh() * win.kw();
        int l = win.outH() * win.outW();
        Tensor w3 = weight.contiguous().view(groups, og, cgkk);
        Tensor g4 = grad.contiguous().view(n, groups, og, l);
        Tensor cols = needWeight ? columns(in, win, groups, cgkk, l) : null;
        Tensor[] gw = new Tensor[groups];
        Tensor[] gcols = new Tensor[groups];
        for (int g = 0; g < groups; g++) {
            Tensor gg = g4.select(1, g);
            if (needWeight) {
                gw[g] = gg.bmm(cols.select(1, g).transpose(1, 2)).sum(0, false);
            }
            if (needInput) {
                gcols[g] = w3.select(0, g).t().unsqueeze(0).expand(n, cgkk, og).bmm(gg);
            }
        }
        Tensor gx = null;
        if (needInput) {
            Tensor all = groups == 1 ? gcols[0] : Tensor.stack(java.util.List.of(gcols), 1);
            gx = win.fold(all.reshape(n, c, win.kh(), win.kw(), win.outH(), win.outW()));
        }
        Tensor gWeight = needWeight ? Tensor.stack(java.util.List.of(gw), 0).reshape(weight.shape()) : null;
        Tensor gBias = needBias ? grad.sum(new int[] {0, 2, 3}, false) : null;
        return new Tensor[] {gx, gWeight, gBias};
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
        if (!x.backend().unfold2d(xp.asView(), win.geometry(), cols.asView())) {
            cols = win.unfold(xp).contiguous();
        }
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
        Tensor fused = fusedMaxPool2d(x, win);
        return fused != null ? fused : composedMaxPool2d(x, win);
    }

    /** The backend's max-pooling kernel (flat arg-max per input plane), or null where it has none. */
    private static Tensor fusedMaxPool2d(Tensor x, Windows win) {
        Tensor xc = x.contiguous().detach();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), win.n(), win.c(), win.outH(), win.outW());
        Tensor argmax = Tensor.zeros(DType.INT64, x.device(), win.n(), win.c(), win.outH(), win.outW());
        if (!x.backend().maxPool2d(xc.asView(), win.geometry(), out.asView(), argmax.asView())) {
            return null;
        }
        int[] in = x.shape();
        return Autograd.record("MaxPool2DWithIndicesBackward0", out, Autograd.of(x), Autograd.of(argmax), (g, ctx) -> {
            Tensor gi = Tensor.zeros(g.dtype(), g.device(), in);
            Tensor gc = g.contiguous();
            if (!gi.backend().maxPool2dBackward(gc.asView(), ctx.saved(0).asView(), gi.asView())) {
                int planes = in[0] * in[1];
                gi.backend().scatterAdd(gi.view(planes, -1).asView(), 1, ctx.saved(0).view(planes, -1).asView(), gc.view(planes, -1).asView());
            }
            return new Tensor[] {gi};
        });
    }

    /** The reference: windows as a strided view, max per row, gradients routed back by col2im. */
    private static Tensor composedMaxPool2d(Tensor x, Windows win) {
        int rows = win.n() * win.c() * win.outH() * win.outW();
        int k = win.kh() * win.kw();
        Tensor out;
        Tensor argmax;
        try (var ignored = GradMode.noGrad()) {
            Tensor windows = win.unfold(win.pad(x.contiguous(), Double.NEGATIVE_INFINITY)).permute(0, 1, 4, 5, 2, 3)
                    .reshape(rows, k);
            ValuesIndices best = windows.max(1, false);
            out = best.values().view(win.n(), win.c(), win.outH(), win.outW());
            argmax = best.indices().view(rows, 1);
        }
        return Autograd.record("MaxPool2DWithIndicesBackward0", out, Autograd.of(x), Autograd.of(argmax), (g, ctx) -> {
            Tensor cols = Tensor.zeros(g.dtype(), g.device(), rows, k)
                    .scatterAdd(1, ctx.saved(0), g.contiguous().view(rows, 1));
            return new Tensor[] {win.fold(cols.view(win.n(), win.c(), win.outH(), win.outW(), win.kh(), win.kw())
                    .permute(0, 1, 4, 5, 2, 3))};
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
