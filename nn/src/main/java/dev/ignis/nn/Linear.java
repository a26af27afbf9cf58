package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.Map;

/**
 * y = x·Wᵀ + b (torch.nn.Linear). Shapes: x [*, in] → y [*, out]; W [out, in], b [out].
 * Initialisation as PyTorch: W ~ kaiming_uniform(a = √5), i.e. U(±1/√in), and b ~ U(±1/√in).
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, Generator.getDefault());
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, Generator gen) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Init.empty(outFeatures, inFeatures));
        this.bias = registerParameter("bias", bias ? Init.empty(outFeatures) : null);
        resetParameters(gen);
    }

    public void resetParameters(Generator gen) {
        Init.defaultLayerInit(weight, bias, gen);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException(describe() + ": expected input with " + inFeatures
                    + " features in the last dimension, got " + Shape.format(x.shape()));
        }
        return F.linear(x, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.bool(bias != null);
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("in_features", inFeatures, "out_features", outFeatures, "bias", bias != null);
    }
}
