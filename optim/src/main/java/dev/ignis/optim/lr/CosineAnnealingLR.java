package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/**
 * Cosine annealing (Loshchilov and Hutter, SGDR) without restarts: closed form
 * η_min + (base − η_min)(1 + cos(π·e/T_max))/2; the chainable form PyTorch steps with is used
 * here too, so lrs match step for step (periodic past T_max, not clamped).
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /** CosineAnnealingLR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
        double etaMin = 0.0;

        /** PyTorch's eta_min (default 0.0). */
        public Options etaMin(double v) {
            etaMin = v;
            return this;
        }
    }

    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, new Options());
    }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, Options options) {
        this(optimizer, tMax, options.etaMin, options.lastEpoch());
    }

    private CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            double base = baseLrs.get(i);
            if (lastEpoch == 0) {
                lrs[i] = lr(i);
            } else if (stepCount == 1 && lastEpoch > 0) {
                lrs[i] = etaMin + (base - etaMin) * (1 + Math.cos(lastEpoch * Math.PI / tMax)) / 2;
            } else if (Math.floorMod(lastEpoch - 1 - tMax, 2 * tMax) == 0) {
                lrs[i] = lr(i) + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lrs[i] = (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax))
                        * (lr(i) - etaMin) + etaMin;
            }
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = etaMin + (baseLrs.get(i) - etaMin) * (1 + Math.cos(Math.PI * lastEpoch / tMax)) / 2;
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("T_max", tMax);
        s.put("eta_min", etaMin);
    }
}
