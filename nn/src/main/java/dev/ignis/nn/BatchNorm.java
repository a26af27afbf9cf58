package dev.ignis.nn;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.init.Init;
import dev.ignis.tensor.BatchNormReluMaxPool;
import dev.ignis.tensor.BatchNormalization;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.Map;

/**
 * Batch normalisation over channel dimension 1 (Ioffe and Szegedy, 2015):
 * y = (x − μ_B)/√(σ²_B + eps)·γ + β in training, with the running statistics updated as
 * r ← (1−f)r + f·stat (f = momentum, or 1/num_batches_tracked when momentum is NaN; the running
 * variance uses the unbiased batch variance); evaluation uses the running statistics. Buffers:
 * {@code running_mean}, {@code running_var}, {@code num_batches_tracked} (int64).
 */
public abstract class BatchNorm extends Module implements RunningStats {
    private final int numFeatures;
    private final double eps;
    private double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    protected BatchNorm(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        this.weight = registerParameter("weight", affine ? Init.ones_(Init.empty(numFeatures)) : null);
        this.bias = registerParameter("bias", affine ? Init.zeros_(Init.empty(numFeatures)) : null);
        this.runningMean = registerBuffer("running_mean", trackRunningStats ? Init.empty(numFeatures) : null);
        this.runningVar = registerBuffer("running_var", trackRunningStats ? Tensor.ones(numFeatures) : null);
        this.numBatchesTracked = registerBuffer("num_batches_tracked",
                trackRunningStats ? Tensor.zeros(DType.INT64, Device.CPU) : null);
    }

    /** The input ranks this layer accepts, e.g. {2, 3} for BatchNorm1d. */
    protected abstract int[] acceptedRanks();

    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias,
                usesBatchStatistics(), momentum, eps, isTraining() ? numBatchesTracked : null);
    }

    /**
     * {@code pool.forward(relu(forward(x)))} as one fused op (see {@link BatchNormReluMaxPool}),
     * running statistics updated as {@link #forward} does; null, with nothing done, when this layer
     * normalises with its running statistics (evaluation), which the fused op does not cover.
     */
    Tensor forwardReluMaxPool(Tensor x, MaxPool2d pool) {
        checkInput(x);
        if (!usesBatchStatistics()) {
            return null;
        }
        Normalization.checkBatchStatistics(x);
        BatchNormalization.Result r = BatchNormReluMaxPool.train(x, weight, bias, eps, pool.kernel(), pool.stride(),
                pool.padding(), pool.dilation());
        Normalization.updateRunningStats(x, r, runningMean, runningVar, momentum,
                isTraining() ? numBatchesTracked : null);
        return r.output();
    }

    private boolean usesBatchStatistics() {
        return isTraining() || !trackRunningStats;
    }

    private void checkInput(Tensor x) {
        boolean rankOk = false;
        for (int r : acceptedRanks()) {
            rankOk |= x.dim() == r;
        }
        if (!rankOk || x.size(1) != numFeatures) {
            throw new IllegalArgumentException(describe() + ": expected " + java.util.Arrays.toString(acceptedRanks())
                    .replace(", ", " or ").replace("[", "").replace("]", "") + "-D input with " + numFeatures
                    + " channels in dimension 1, got " + Shape.format(x.shape()));
        }
    }

    @Override
    public void resetRunningStats() {
        if (trackRunningStats) {
            try (var ignored = GradMode.noGrad()) {
                runningMean.zero_();
                runningVar.fill_(1.0);
                numBatchesTracked.zero_();
            }
        }
    }

    @Override
    public double momentum() {
        return momentum;
    }

    @Override
    public void momentum(double momentum) {
        this.momentum = momentum;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + (Double.isNaN(momentum) ? "None" : momentum) + ", affine="
                + Repr.bool(affine) + ", track_running_stats=" + Repr.bool(trackRunningStats);
    }

    @Override
    protected Map<String, Object> arguments() {
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("num_features", numFeatures);
        args.put("eps", eps);
        args.put("momentum", Double.isNaN(momentum) ? null : momentum);   // None: a cumulative average
        args.put("affine", affine);
        args.put("track_running_stats", trackRunningStats);
        return args;
    }
}
