package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Arrays;
import java.util.Map;

/**
 * Decays lr by γ at each milestone (γ^count where a milestone is repeated); closed form
 * base·γ^(number of milestones ≤ epoch) (torch MultiStepLR).
 */
public final class MultiStepLR extends LRScheduler {
    private final int[] milestones;
    private final double gamma;

    /** MultiStepLR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
        double gamma = 0.1;

        /** PyTorch's gamma (default 0.1). */
        public Options gamma(double v) {
            gamma = v;
            return this;
        }
    }

    public MultiStepLR(Optimizer optimizer, int[] milestones) {
        this(optimizer, milestones, new Options());
    }

    public MultiStepLR(Optimizer optimizer, int[] milestones, Options options) {
        this(optimizer, milestones, options.gamma, options.lastEpoch());
    }

    private MultiStepLR(Optimizer optimizer, int[] milestones, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        initialStep();
    }

    private int count(int epoch) {
        int c = 0;
        for (int m : milestones) {
            c += m == epoch ? 1 : 0;
        }
        return c;
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        int c = count(lastEpoch);
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = c == 0 ? lr(i) : lr(i) * Math.pow(gamma, c);
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        int passed = 0;
        for (int m : milestones) {
            passed += m <= lastEpoch ? 1 : 0;
        }
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i) * Math.pow(gamma, passed);
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("milestones", milestones.clone());
        s.put("gamma", gamma);
    }
}
