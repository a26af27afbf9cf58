package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Tensor;

/**
 * Normalises each channel of each sample over H×W (torch.nn.InstanceNorm2d; eps 1e-5, affine
 * false, track_running_stats false — running statistics are not supported here).
 */
public final class InstanceNorm2d extends Module {
    private final int numFeatures;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public InstanceNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, false);
    }

    public InstanceNorm2d(int numFeatures, double eps, boolean affine) {
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.weight = registerParameter("weight", affine ? Init.ones_(Init.empty(numFeatures)) : null);
        this.bias = registerParameter("bias", affine ? Init.zeros_(Init.empty(numFeatures)) : null);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 3) {
            return forward(x.unsqueeze(0)).squeeze(0);
        }
        if (x.dim() != 4 || x.size(1) != numFeatures) {
            throw new IllegalArgumentException(describe() + ": expected input [N, " + numFeatures + ", H, W], got "
                    + dev.ignis.tensor.Shape.format(x.shape()));
        }
        return F.instanceNorm(x, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=0.1, affine=" + Repr.bool(weight != null)
                + ", track_running_stats=False";
    }
}
