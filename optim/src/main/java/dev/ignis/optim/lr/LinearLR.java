package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.Map;

/**
 * lr factor moving linearly from {@code startFactor} to {@code endFactor} over {@code totalIters}
 * epochs: closed form base·(s + (e − s)·min(T, epoch)/T) (torch LinearLR; 1/3, 1.0, 5).
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /** LinearLR's optional arguments, by name; unset ones keep PyTorch's defaults. */
    public static final class Options extends SchedulerOptions<Options> {
        double startFactor = 1.0 / 3;
        double endFactor = 1.0;
        int totalIters = 5;

        /** PyTorch's start_factor (default 1.0 / 3). */
        public Options startFactor(double v) {
            startFactor = v;
            return this;
        }

        /** PyTorch's end_factor (default 1.0). */
        public Options endFactor(double v) {
            endFactor = v;
            return this;
        }

        /** PyTorch's total_iters (default 5). */
        public Options totalIters(int v) {
            totalIters = v;
            return this;
        }
    }

    public LinearLR(Optimizer optimizer) {
        this(optimizer, new Options());
    }

    public LinearLR(Optimizer optimizer, Options options) {
        this(optimizer, options.startFactor, options.endFactor, options.totalIters, options.lastEpoch());
    }

    private LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (startFactor > 1.0 || startFactor < 0) {
            throw new IllegalArgumentException("Starting multiplicative factor expected to be between 0 and 1.");
        }
        if (endFactor > 1.0 || endFactor < 0) {
            throw new IllegalArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            if (lastEpoch == 0) {
                lrs[i] = lr(i) * startFactor;
            } else if (lastEpoch > totalIters) {
                lrs[i] = lr(i);
            } else {
                lrs[i] = lr(i) * (1.0 + (endFactor - startFactor)
                        / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor)));
            }
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i) * (startFactor
                    + (endFactor - startFactor) * Math.min(totalIters, lastEpoch) / totalIters);
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("start_factor", startFactor);
        s.put("end_factor", endFactor);
        s.put("total_iters", totalIters);
    }
}
