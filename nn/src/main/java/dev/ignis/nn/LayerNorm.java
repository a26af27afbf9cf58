package dev.ignis.nn;

import dev.ignis.nn.init.Init;
import dev.ignis.tensor.Tensor;
import java.util.Map;

/** Normalises over the trailing {@code normalizedShape} dims with the biased variance (torch.nn.LayerNorm; eps 1e-5). */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        this(normalizedShape, eps, elementwiseAffine, true);
    }

    /** With {@code bias} false an affine LayerNorm learns the scale only (PyTorch 2.1's {@code bias=False}). */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = registerParameter("weight", elementwiseAffine ? Init.ones_(Init.empty(normalizedShape)) : null);
        this.bias = registerParameter("bias", elementwiseAffine && bias ? Init.zeros_(Init.empty(normalizedShape))
                : null);
    }

    @Override
    public Tensor forward(Tensor x) {
        try {
            return F.layerNorm(x, normalizedShape, weight, bias, eps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected String extraRepr() {
        return "(" + java.util.Arrays.toString(normalizedShape).replace("[", "").replace("]", "")
                + (normalizedShape.length == 1 ? ",)" : ")") + ", eps=" + eps + ", elementwise_affine="
                + Repr.bool(weight != null);
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("normalized_shape", normalizedShape.clone(), "eps", eps, "elementwise_affine", weight != null,
                "bias", bias != null);
    }
}
