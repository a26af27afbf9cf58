package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/** Decays lr by γ every {@code stepSize} epochs: closed form base·γ^(epoch // stepSize) (torch StepLR). */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /** StepLR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
        double gamma = 0.1;

        /** PyTorch's gamma (default 0.1). */
        public Options gamma(double v) {
            gamma = v;
            return this;
        }
    }

    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, new Options());
    }

    public StepLR(Optimizer optimizer, int stepSize, Options options) {
        this(optimizer, stepSize, options.gamma, options.lastEpoch());
    }

    private StepLR(Optimizer optimizer, int stepSize, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        boolean decay = lastEpoch != 0 && lastEpoch % stepSize == 0;
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = decay ? lr(i) * gamma : lr(i);
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i) * Math.pow(gamma, Math.floorDiv(lastEpoch, stepSize));
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("step_size", stepSize);
        s.put("gamma", gamma);
    }
}
