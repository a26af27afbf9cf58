package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/** lr ← lr·γ every epoch: closed form base·γ^epoch (torch ExponentialLR). */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    /** ExponentialLR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
    }

    public ExponentialLR(Optimizer optimizer, double gamma) {
        this(optimizer, gamma, new Options());
    }

    public ExponentialLR(Optimizer optimizer, double gamma, Options options) {
        this(optimizer, gamma, options.lastEpoch());
    }

    private ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = lastEpoch == 0 ? lr(i) : lr(i) * gamma;
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i) * Math.pow(gamma, lastEpoch);
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("gamma", gamma);
    }
}
