package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/** Polynomial decay to 0 over {@code totalIters}: closed form base·(1 − min(T, e)/T)^p (torch PolynomialLR; 5, 1.0). */
public final class PolynomialLR extends LRScheduler {
    private final int totalIters;
    private final double power;

    /** PolynomialLR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
        int totalIters = 5;
        double power = 1.0;

        /** PyTorch's total_iters (default 5). */
        public Options totalIters(int v) {
            totalIters = v;
            return this;
        }

        /** PyTorch's power (default 1.0). */
        public Options power(double v) {
            power = v;
            return this;
        }
    }

    public PolynomialLR(Optimizer optimizer) {
        this(optimizer, new Options());
    }

    public PolynomialLR(Optimizer optimizer, Options options) {
        this(optimizer, options.totalIters, options.power, options.lastEpoch());
    }

    private PolynomialLR(Optimizer optimizer, int totalIters, double power, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.totalIters = totalIters;
        this.power = power;
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            if (lastEpoch == 0 || lastEpoch > totalIters) {
                lrs[i] = lr(i);
            } else {
                double decay = Math.pow((1.0 - (double) lastEpoch / totalIters)
                        / (1.0 - (double) (lastEpoch - 1) / totalIters), power);
                lrs[i] = lr(i) * decay;
            }
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i) * Math.pow(1.0 - (double) Math.min(totalIters, lastEpoch) / totalIters, power);
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("total_iters", totalIters);
        s.put("power", power);
    }
}
