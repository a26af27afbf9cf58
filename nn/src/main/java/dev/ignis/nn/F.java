package dev.ignis.nn;

import dev.ignis.tensor.Attention;
import dev.ignis.tensor.Convolution;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The functional form of every layer and loss (torch.nn.functional). Layers call these; users
 * may call them directly with their own weights.
 */
public final class F {
    private F() {
    }

    // ---------------------------------------------------------------- linear, convolution, pooling

    /** y = x·Wᵀ + b; x [*, in], W [out, in], b [out] or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Tensor.linear(x, weight, bias);
    }

    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return Convolution.conv1d(x, weight, bias, stride, padding, dilation, groups);
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return Convolution.maxPool1d(x, kernel, stride, padding, dilation);
    }

    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        return Convolution.maxPool2d(x, kernel, stride, padding, dilation);
    }

    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return Convolution.avgPool2d(x, kernel, stride, padding);
    }

    /**
     * Mean over adaptive windows: output cell i covers rows ⌊i·H/oh⌋ .. ⌈(i+1)·H/oh⌉ (likewise for
     * columns). When the sizes divide evenly this is one average pooling.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        int h = x.size(-2);
        int w = x.size(-1);
        if (h % outH == 0 && w % outW == 0) {
            int[] k = {h / outH, w / outW};
            return avgPool2d(x, k, k, new int[] {0, 0});
        }
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < outH; i++) {
            int h0 = Math.floorDiv(i * h, outH);
            int h1 = -Math.floorDiv(-(i + 1) * h, outH);
            List<Tensor> cells = new ArrayList<>();
            for (int j = 0; j < outW; j++) {
                int w0 = Math.floorDiv(j * w, outW);
                int w1 = -Math.floorDiv(-(j + 1) * w, outW);
                cells.add(x.narrow(-2, h0, h1 - h0).narrow(-1, w0, w1 - w0).mean(new int[] {-2, -1}, false));
            }
            rows.add(Tensor.stack(cells, -1));
        }
        return Tensor.stack(rows, -2);
    }

    // ---------------------------------------------------------------- normalisation, dropout, embedding

    /** See {@link BatchNorm2d}; momentum NaN means a cumulative average. */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, null);
    }

    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        return Normalization.groupNorm(x, groups, weight, bias, eps);
    }

    public static Tensor instanceNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return Normalization.instanceNorm(x, weight, bias, eps);
    }

    /**
     * softmax(scale·Q·Kᵀ + mask)·V with dropout on the weights, as one op with its own backward
     * (torch.nn.functional.scaled_dot_product_attention). q [..., L, E], k [..., S, E], v [..., S, Ev]
     * → [..., L, Ev]. {@code attnMask}: null, bool (true = <em>take part</em> in attention, the
     * opposite of {@link MultiheadAttention}'s masks) or floating (added), broadcastable to
     * [..., L, S]; {@code isCausal}: key j masked for query i when j > i; {@code scale} null: 1/√E.
     * Dropout is applied whenever {@code dropoutP} > 0, drawn from {@code gen}.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor attnMask, double dropoutP,
                                                   boolean isCausal, Double scale, Generator gen) {
        return Attention.scaledDotProduct(q, k, v, attnMask, dropoutP, isCausal, scale, gen);
    }

    /** {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, double, boolean, Double, Generator)} with PyTorch's defaults and the default generator. */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v) {
        return Attention.scaledDotProduct(q, k, v, null, 0, false, null, Generator.getDefault());
    }

    public static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        return x.dropout(p, training, gen);
    }

    /** Zeroes whole channels ([N, C, ...] → one Bernoulli draw per (n, c)) with probability p, scaling the rest. */
    public static Tensor dropout2d(Tensor x, double p, boolean training, Generator gen) {
        checkDropoutProbability(p);
        if (!training || p == 0) {
            return x;
        }
        int[] maskShape = new int[x.dim()];
        java.util.Arrays.fill(maskShape, 1);
        maskShape[0] = x.size(0);
        maskShape[1] = x.size(1);
        Tensor keep = Tensor.rand(gen, maskShape).lt(1 - p).to(x.dtype());
        return p == 1 ? x.mul(0.0) : x.mul(keep.div(1 - p));
    }

    /** PyTorch's check of a dropout probability, shared by the dropout layers and functions. */
    static double checkDropoutProbability(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        return p;
    }

    /** Rows of {@code weight} at {@code indices}; the row at paddingIdx (if ≥ 0) gets no gradient. */
    public static Tensor embedding(Tensor indices, Tensor weight, int paddingIdx) {
        Tensor out = Tensor.embedding(weight, indices);
        if (paddingIdx < 0) {
            return out;
        }
        Tensor padding = indices.eq(Tensor.full(paddingIdx, indices.dtype(), indices.device())).unsqueeze(-1);
        return Tensor.where(padding, out.detach(), out);
    }

    // ---------------------------------------------------------------- activations

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return x.leakyRelu(negativeSlope);
    }

    public static Tensor gelu(Tensor x, String approximate) {
        return x.gelu(approximate);
    }

    public static Tensor silu(Tensor x) {
        return x.silu();
    }

    public static Tensor elu(Tensor x, double alpha) {
        return x.elu(alpha);
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    public static Tensor softplus(Tensor x, double beta, double threshold) {
        return x.softplus(beta, threshold);
    }

    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    // ---------------------------------------------------------------- losses

    /** Class indices (int64 target) or class probabilities (floating target of the input's shape). */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction,
                                      double labelSmoothing) {
        return Losses.crossEntropy(input, target, weight, ignoreIndex, reduction, labelSmoothing);
    }

    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, -100, Reduction.MEAN, 0.0);
    }

    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        return Losses.nllLoss(input, target, weight, ignoreIndex, reduction);
    }

    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        return Losses.mseLoss(input, target, reduction);
    }

    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        return Losses.l1Loss(input, target, reduction);
    }

    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) {
        return Losses.smoothL1Loss(input, target, reduction, beta);
    }

    public static Tensor huberLoss(Tensor input, Tensor target, Reduction reduction, double delta) {
        return Losses.huberLoss(input, target, reduction, delta);
    }

    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
        return Losses.binaryCrossEntropy(input, target, weight, reduction);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        return Losses.binaryCrossEntropyWithLogits(input, target, weight, posWeight, reduction);
    }

    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        return Losses.klDiv(input, target, reduction, logTarget);
    }
}
