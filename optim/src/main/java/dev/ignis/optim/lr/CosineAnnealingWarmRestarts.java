package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/**
 * SGDR (Loshchilov and Hutter, 2017): lr = η_min + (base − η_min)(1 + cos(π·T_cur/T_i))/2, where
 * T_cur counts epochs since the last restart and the period T_i starts at T_0 and is multiplied
 * by T_mult at each restart. {@link #step(double)} accepts fractional epochs.
 */
public final class CosineAnnealingWarmRestarts extends LRScheduler {
    private final int t0;
    private final int tMult;
    private final double etaMin;
    private double tI;
    private double tCur;

    /** CosineAnnealingWarmRestarts's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
        int tMult = 1;
        double etaMin = 0.0;

        /** PyTorch's T_mult (default 1). */
        public Options tMult(int v) {
            tMult = v;
            return this;
        }

        /** PyTorch's eta_min (default 0.0). */
        public Options etaMin(double v) {
            etaMin = v;
            return this;
        }
    }

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0) {
        this(optimizer, t0, new Options());
    }

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, Options options) {
        this(optimizer, t0, options.tMult, options.etaMin, options.lastEpoch());
    }

    private CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult, double etaMin, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (t0 <= 0) {
            throw new IllegalArgumentException("Expected positive integer T_0, but got " + t0);
        }
        if (tMult < 1) {
            throw new IllegalArgumentException("Expected integer T_mult >= 1, but got " + tMult);
        }
        this.t0 = t0;
        this.tI = t0;
        this.tMult = tMult;
        this.etaMin = etaMin;
        this.tCur = lastEpoch;
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = etaMin + (baseLrs.get(i) - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
        }
        return lrs;
    }

    @Override
    public void step() {
        if (lastEpoch < 0) {
            step(0.0);
            return;
        }
        stepCount++;
        tCur = tCur + 1;
        if (tCur >= tI) {
            tCur = tCur - tI;
            tI = tI * tMult;
        }
        lastEpoch = lastEpoch + 1;
        apply(getLr());
    }

    @Override
    public void step(int epoch) {
        step((double) epoch);
    }

    /** Jumps to a (possibly fractional) epoch. */
    public void step(double epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("Expected non-negative epoch, but got " + epoch);
        }
        stepCount++;
        if (epoch >= t0) {
            if (tMult == 1) {
                tCur = epoch % t0;
            } else {
                int n = (int) (Math.log(epoch / t0 * (tMult - 1) + 1) / Math.log(tMult));
                tCur = epoch - t0 * (Math.pow(tMult, n) - 1) / (tMult - 1);
                tI = t0 * Math.pow(tMult, n);
            }
        } else {
            tI = t0;
            tCur = epoch;
        }
        lastEpoch = (int) Math.floor(epoch);
        apply(getLr());
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("T_0", t0);
        s.put("T_i", tI);
        s.put("T_mult", tMult);
        s.put("eta_min", etaMin);
        s.put("T_cur", tCur);
    }

    @Override
    protected void loadState(Map<String, Object> s) {
        tI = ((Number) s.get("T_i")).doubleValue();
        tCur = ((Number) s.get("T_cur")).doubleValue();
    }
}
