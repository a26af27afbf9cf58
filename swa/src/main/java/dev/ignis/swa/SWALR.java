package dev.ignis.swa;

import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import dev.ignis.optim.lr.LRScheduler;
import java.util.List;
import java.util.Map;

/**
 * Anneals each group's lr to its {@code swa_lr} over {@code annealEpochs} steps, then holds it
 * (torch.optim.swa_utils.SWALR). With s = step count − 1 (at least 1 when annealEpochs = 0),
 * t = clamp(s / max(1, A), 0, 1) and α = (1 − cos πt)/2 ("cos") or t ("linear"):
 * lr = swa_lr·α + lr₀·(1 − α), where lr₀ is recovered from the current lr and the previous step's
 * α — PyTorch's chainable arithmetic, so it composes with other schedulers exactly as there.
 * Sets {@code swa_lr} in every param group.
 */
public final class SWALR extends LRScheduler {
    /** The annealing shape. */
    public enum Anneal {
        COS, LINEAR;

        double alpha(double t) {
            return this == COS ? (1 - Math.cos(Math.PI * t)) / 2 : t;
        }
    }

    private final int annealEpochs;
    private final Anneal anneal;

    /** SWALR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends dev.ignis.optim.lr.SchedulerOptions<Options> {
        int annealEpochs = 10;
        Anneal anneal = Anneal.COS;

        /** PyTorch's anneal_epochs (default 10). */
        public Options annealEpochs(int v) {
            annealEpochs = v;
            return this;
        }

        /** PyTorch's anneal_strategy: "cos" (the default) or "linear". */
        public Options annealStrategy(String v) {
            anneal = anneal(v);
            return this;
        }
    }

    /** PyTorch's defaults: 10 annealing epochs, cosine. */
    public SWALR(Optimizer optimizer, double swaLr) {
        this(optimizer, swaLr, new Options());
    }

    public SWALR(Optimizer optimizer, double swaLr, Options options) {
        this(optimizer, new double[] {swaLr}, options);
    }

    /** @param swaLrs one lr for all groups, or one per group */
    public SWALR(Optimizer optimizer, double[] swaLrs, Options options) {
        this(optimizer, swaLrs, options.annealEpochs, options.anneal, options.lastEpoch());
    }

    private SWALR(Optimizer optimizer, double[] swaLrs, int annealEpochs, Anneal anneal, int lastEpoch) {
        super(setSwaLrs(optimizer, swaLrs), lastEpoch);
        if (annealEpochs < 0) {
            throw new IllegalArgumentException("anneal_epochs must be equal or greater than 0, got " + annealEpochs);
        }
        this.annealEpochs = annealEpochs;
        this.anneal = anneal;
        initialStep();
    }

    /** Parses PyTorch's strategy names "cos" and "linear". */
    public static Anneal anneal(String strategy) {
        return switch (strategy) {
            case "cos" -> Anneal.COS;
            case "linear" -> Anneal.LINEAR;
            default -> throw new IllegalArgumentException("anneal_strategy must by one of 'cos' or 'linear', instead got "
                    + strategy);
        };
    }

    private static Optimizer setSwaLrs(Optimizer optimizer, double[] swaLrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        if (swaLrs.length != 1 && swaLrs.length != groups.size()) {
            throw new IllegalArgumentException("swa_lr must have the same length as optimizer.param_groups: swa_lr has "
                    + swaLrs.length + ", optimizer.param_groups has " + groups.size());
        }
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).set("swa_lr", swaLrs.length == 1 ? swaLrs[0] : swaLrs[i]);
        }
        return optimizer;
    }

    @Override
    protected double[] getLr() {
        int step = stepCount - 1;
        if (annealEpochs == 0) {
            step = Math.max(1, step);
        }
        double prevAlpha = anneal.alpha(clamp((step - 1) / (double) Math.max(1, annealEpochs)));
        double alpha = anneal.alpha(clamp(step / (double) Math.max(1, annealEpochs)));
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            double swaLr = optimizer.paramGroups().get(i).getDouble("swa_lr");
            double initial = prevAlpha == 1 ? swaLr : (lr(i) - prevAlpha * swaLr) / (1 - prevAlpha);
            lrs[i] = swaLr * alpha + initial * (1 - alpha);
        }
        return lrs;
    }

    private static double clamp(double t) {
        return Math.max(0, Math.min(1, t));
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("anneal_epochs", annealEpochs);
        s.put("anneal_func", anneal == Anneal.COS ? "_cosine_anneal" : "_linear_anneal");
    }
}
