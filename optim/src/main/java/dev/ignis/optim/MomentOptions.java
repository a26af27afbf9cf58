package dev.ignis.optim;

/**
 * Arguments shared by the optimizers that keep moment estimates with (β1, β2): Adam, AdamW,
 * Adamax, NAdam, RAdam. The defaults stay in each optimizer's own Options.
 */
public abstract class MomentOptions<T extends MomentOptions<T>> extends OptimizerOptions<T> {

    public final T betas(double beta1, double beta2) {
        return put("betas", new double[] {beta1, beta2});
    }

    public final T eps(double v) {
        return put("eps", v);
    }

    public final T weightDecay(double v) {
        return put("weight_decay", v);
    }
}
