package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/** Decays lr by γ every {@code stepSize} epochs: closed form base·γ^(epoch // stepSize) (torch StepLR). */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1, -1);
    }

    public StepLR(Optimizer optimizer, int stepSize, double gamma, int lastEpoch) {
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
