package dev.ignis.optim;

/**
 * The arguments Adam and AdamW share (torch.optim.Adam's and AdamW's keyword arguments); each
 * class's own {@code Options} sets the defaults, so AdamW's weight_decay defaults to 1e-2 and an
 * Adam options object cannot be passed to AdamW (its weight decay would silently be 0).
 */
public abstract class AdamOptions<T extends AdamOptions<T>> extends MomentOptions<T> {

    AdamOptions(double weightDecay) {
        putDefault("lr", 1e-3);
        putDefault("betas", new double[] {0.9, 0.999});
        putDefault("eps", 1e-8);
        putDefault("weight_decay", weightDecay);
        putDefault("amsgrad", false);
        putDefault("maximize", false);
    }

    public final T amsgrad(boolean v) {
        return put("amsgrad", v);
    }

    public final T maximize(boolean v) {
        return put("maximize", v);
    }
}
