package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/**
 * lr·factor until epoch {@code totalIters}, then lr: closed form base·(f + [e ≥ T](1 − f))
 * (torch ConstantLR; factor 1/3, totalIters 5 by default).
 */
public final class ConstantLR extends LRScheduler {
    private final double factor;
    private final int totalIters;

    /** ConstantLR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
        double factor = 1.0 / 3;
        int totalIters = 5;

        /** PyTorch's factor (default 1.0 / 3). */
        public Options factor(double v) {
            factor = v;
            return this;
        }

        /** PyTorch's total_iters (default 5). */
        public Options totalIters(int v) {
            totalIters = v;
            return this;
        }
    }

    public ConstantLR(Optimizer optimizer) {
        this(optimizer, new Options());
    }

    public ConstantLR(Optimizer optimizer, Options options) {
        this(optimizer, options.factor, options.totalIters, options.lastEpoch());
    }

    private ConstantLR(Optimizer optimizer, double factor, int totalIters, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (factor > 1.0 || factor < 0) {
            throw new IllegalArgumentException("Constant multiplicative factor expected to be between 0 and 1.");
        }
        this.factor = factor;
        this.totalIters = totalIters;
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            if (lastEpoch == 0) {
                lrs[i] = lr(i) * factor;
            } else if (lastEpoch == totalIters) {
                lrs[i] = lr(i) * (1.0 / factor);
            } else {
                lrs[i] = lr(i);
            }
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i) * (factor + (lastEpoch >= totalIters ? 1 : 0) * (1 - factor));
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("factor", factor);
        s.put("total_iters", totalIters);
    }
}
