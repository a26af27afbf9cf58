package dev.ignis.nn;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * The keyword arguments shared by {@link TransformerEncoderLayer}, {@link TransformerDecoderLayer}
 * and {@link Transformer}, with PyTorch's defaults: dim_feedforward 2048, dropout 0.1, activation
 * relu, layer_norm_eps 1e-5, batch_first false, norm_first false, bias true. Unset ones keep the
 * defaults.
 *
 * @param <T> the concrete options class, returned by each setter
 */
public abstract class TransformerOptions<T extends TransformerOptions<T>> {
    int dimFeedforward = 2048;
    double dropout = 0.1;
    String activationName = "relu";
    UnaryOperator<Tensor> activation = F::relu;
    double layerNormEps = 1e-5;
    boolean batchFirst;
    boolean normFirst;
    boolean bias = true;
    Generator generator = Generator.getDefault();

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** The hidden width of the feed-forward block (default 2048). */
    public T dimFeedforward(int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("dim_feedforward must be greater than 0, got " + v);
        }
        dimFeedforward = v;
        return self();
    }

    /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
    public T dropout(double v) {
        dropout = F.checkDropoutProbability(v);
        return self();
    }

    /** "relu" (default) or "gelu". */
    public T activation(String name) {
        activation = switch (name) {
            case "relu" -> F::relu;
            case "gelu" -> x -> F.gelu(x, "none");
            default -> throw new IllegalArgumentException("activation should be relu/gelu, not " + name);
        };
        activationName = name;
        return self();
    }

    /** Any function of the feed-forward block's hidden activations. */
    public T activation(UnaryOperator<Tensor> fn) {
        activation = java.util.Objects.requireNonNull(fn, "activation");
        activationName = "custom";
        return self();
    }

    /** The eps of every LayerNorm (default 1e-5). */
    public T layerNormEps(double v) {
        layerNormEps = v;
        return self();
    }

    /** Inputs and outputs [N, L, E] instead of [L, N, E] (default false). */
    public T batchFirst(boolean v) {
        batchFirst = v;
        return self();
    }

    /** LayerNorm before attention and feed-forward (pre-norm) instead of after the residual sum (default false). */
    public T normFirst(boolean v) {
        normFirst = v;
        return self();
    }

    /** Biases in the Linear layers, attention and LayerNorms (default true). */
    public T bias(boolean v) {
        bias = v;
        return self();
    }

    /** Draws the initial weights and the dropout masks (default: the global generator). */
    public T generator(Generator v) {
        generator = java.util.Objects.requireNonNull(v, "generator");
        return self();
    }
}
