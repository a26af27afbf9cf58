package dev.ignis.nn;

import dev.ignis.autograd.GradMode;
import dev.ignis.tensor.BatchNormalization;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/**
 * Batch, layer, group and instance normalisation: y = (x − μ)/√(σ² + eps)·γ + β with the biased
 * variance over the normalised dimensions. Batch norm's training pass is tensor-core's fused op;
 * the others are written with recorded tensor ops so their gradients follow.
 */
final class Normalization {
    private Normalization() {
    }

    /** Shape [1, C, 1, ...] for broadcasting per-channel values against {@code x}. */
    private static int[] channelShape(Tensor x) {
        int[] s = new int[x.dim()];
        java.util.Arrays.fill(s, 1);
        s[1] = x.size(1);
        return s;
    }

    /**
     * Batch norm. Training: normalise with the batch statistics and update the running ones in
     * place: r ← (1−f)r + f·stat with f = momentum, or 1/num_batches_tracked when momentum is
     * null (NaN); the running variance takes the unbiased batch variance.
     */
    static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                            boolean training, double momentum, double eps, Tensor numBatchesTracked) {
        int[] shape = channelShape(x);
        if (training) {
            checkBatchStatistics(x);
            BatchNormalization.Result r = BatchNormalization.train(x, weight, bias, eps);
            updateRunningStats(x, r, runningMean, runningVar, momentum, numBatchesTracked);
            return r.output();
        }
        Tensor normalized = x.sub(runningMean.reshape(shape)).div(runningVar.reshape(shape).add(eps).sqrt());
        return affine(normalized, weight, bias, shape);
    }

    /** Fails, as PyTorch does, when a channel has a single value: its batch variance is undefined. */
    static void checkBatchStatistics(Tensor x) {
        if (x.numel() / x.size(1) <= 1) {
            throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size "
                    + Shape.format(x.shape()));
        }
    }

    /**
     * In place, when {@code runningMean} is not null: r ← (1−f)r + f·stat from a training pass's
     * batch statistics {@code r} over {@code x}; see {@link #batchNorm}. Counts the batch in
     * {@code numBatchesTracked} when that is not null.
     */
    static void updateRunningStats(Tensor x, BatchNormalization.Result r, Tensor runningMean, Tensor runningVar,
                                   double momentum, Tensor numBatchesTracked) {
        if (runningMean == null) {
            return;
        }
        int count = x.numel() / x.size(1);
        try (var ignored = GradMode.noGrad()) {
            double f = momentum;
            if (numBatchesTracked != null) {
                numBatchesTracked.add_(1.0);
                if (Double.isNaN(momentum)) {
                    f = 1.0 / numBatchesTracked.item();
                }
            }
            runningMean.mul_(1 - f).add_(r.mean(), f);
            runningVar.mul_(1 - f).add_(r.var().mul((double) count / (count - 1)), f);
        }
    }

    private static Tensor affine(Tensor y, Tensor weight, Tensor bias, int[] shape) {
        Tensor out = weight == null ? y : y.mul(weight.reshape(shape));
        return bias == null ? out : out.add(bias.reshape(shape));
    }

    /** Normalises over the trailing {@code normalized} dims; weight and bias have that shape. */
    static Tensor layerNorm(Tensor x, int[] normalized, Tensor weight, Tensor bias, double eps) {
        int rank = x.dim();
        int[] dims = new int[normalized.length];
        for (int i = 0; i < normalized.length; i++) {
            dims[i] = rank - normalized.length + i;
            if (rank < normalized.length || x.size(dims[i]) != normalized[i]) {
                throw new IllegalArgumentException("layer_norm: given normalized_shape=" + Shape.format(normalized)
                        + ", expected input with shape [*, " + Shape.format(normalized).substring(1) + ", but got input of"
                        + " size" + Shape.format(x.shape()));
            }
        }
        Tensor mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        Tensor y = centered.div(centered.mul(centered).mean(dims, true).add(eps).sqrt());
        if (weight != null) {
            y = y.mul(weight);
        }
        return bias == null ? y : y.add(bias);
    }

    /** Normalises each of {@code groups} channel groups of each sample; weight and bias are per channel. */
    static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        int n = x.size(0);
        int c = x.size(1);
        if (c % groups != 0) {
            throw new IllegalArgumentException("group_norm: Expected number of channels in input to be divisible by"
                    + " num_groups, but got input of shape " + Shape.format(x.shape()) + " and num_groups=" + groups);
        }
        Tensor grouped = x.reshape(n, groups, -1);
        Tensor mean = grouped.mean(2, true);
        Tensor centered = grouped.sub(mean);
        Tensor y = centered.div(centered.mul(centered).mean(2, true).add(eps).sqrt()).reshape(x.shape());
        return affine(y, weight, bias, channelShape(x));
    }

    /** Normalises each channel of each sample over its spatial dims. */
    static Tensor instanceNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        int[] dims = new int[x.dim() - 2];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i + 2;
        }
        Tensor mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        Tensor y = centered.div(centered.mul(centered).mean(dims, true).add(eps).sqrt());
        return affine(y, weight, bias, channelShape(x));
    }
}
