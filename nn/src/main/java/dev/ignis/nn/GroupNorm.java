package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Tensor;

/** Normalises each group of C/G channels per sample (Wu and He, 2018; torch.nn.GroupNorm; eps 1e-5). */
public final class GroupNorm extends Module {
    private final int numGroups;
    private final int numChannels;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5, true);
    }

    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numChannels % numGroups != 0) {
            throw new IllegalArgumentException("num_channels (" + numChannels + ") must be divisible by num_groups ("
                    + numGroups + ")");
        }
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.weight = registerParameter("weight", affine ? Init.ones_(Init.empty(numChannels)) : null);
        this.bias = registerParameter("bias", affine ? Init.zeros_(Init.empty(numChannels)) : null);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 2 || x.size(1) != numChannels) {
            throw new IllegalArgumentException(describe() + ": expected input [N, " + numChannels + ", *], got "
                    + dev.ignis.tensor.Shape.format(x.shape()));
        }
        return F.groupNorm(x, numGroups, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + eps + ", affine=" + Repr.bool(weight != null);
    }
}
