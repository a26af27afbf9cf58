package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import java.util.List;
import java.util.Map;

/**
 * Cyclical learning rates (Smith, 2017), per iteration: cycle = ⌊1 + e/total⌋,
 * x = 1 + e/total − cycle, scale = x/ratio if x ≤ ratio else (x − 1)/(ratio − 1);
 * lr = base + (max − base)·scale·f, with f = 1 (triangular), 1/2^(cycle−1) (triangular2) or
 * γ^e (exp_range). Momentum cycles inversely between max and base momentum.
 */
public final class CyclicLR extends LRScheduler {

    /** CyclicLR's arguments; the defaults are set here and nowhere else. */
    public static final class Options {
        int stepSizeUp = 2000;
        int stepSizeDown = -1;
        String mode = "triangular";
        double gamma = 1.0;
        boolean cycleMomentum = true;
        double[] baseMomentum = {0.8};
        double[] maxMomentum = {0.9};
        int lastEpoch = -1;

        public Options stepSizeUp(int v) {
            stepSizeUp = v;
            return this;
        }

        /** Default: stepSizeUp. */
        public Options stepSizeDown(int v) {
            stepSizeDown = v;
            return this;
        }

        /** "triangular", "triangular2" or "exp_range". */
        public Options mode(String v) {
            mode = v;
            return this;
        }

        public Options gamma(double v) {
            gamma = v;
            return this;
        }

        public Options cycleMomentum(boolean v) {
            cycleMomentum = v;
            return this;
        }

        public Options baseMomentum(double... v) {
            baseMomentum = v.clone();
            return this;
        }

        public Options maxMomentum(double... v) {
            maxMomentum = v.clone();
            return this;
        }

        public Options lastEpoch(int v) {
            lastEpoch = v;
            return this;
        }
    }

    private final double[] maxLrs;
    private final double totalSize;
    private final double stepRatio;
    private final String mode;
    private final double gamma;
    private final boolean cycleMomentum;
    private double[] baseMomentums;
    private double[] maxMomentums;

    public CyclicLR(Optimizer optimizer, double[] baseLr, double[] maxLr, Options o) {
        super(prepare(optimizer, baseLr, o), o.lastEpoch);
        this.maxLrs = perGroup("max_lr", optimizer, maxLr);
        double up = o.stepSizeUp;
        double down = o.stepSizeDown < 0 ? up : o.stepSizeDown;
        this.totalSize = up + down;
        this.stepRatio = up / totalSize;
        this.mode = o.mode;
        this.gamma = o.gamma;
        this.cycleMomentum = o.cycleMomentum;
        if (cycleMomentum) {
            this.baseMomentums = groupValues("momentum").stream().mapToDouble(Double::doubleValue).toArray();
            this.maxMomentums = perGroup("max_momentum", optimizer, o.maxMomentum);
        }
        initialStep();
        this.baseLrs = java.util.Arrays.stream(perGroup("base_lr", optimizer, baseLr)).boxed().toList();
    }

    public CyclicLR(Optimizer optimizer, double baseLr, double maxLr, Options o) {
        this(optimizer, new double[] {baseLr}, new double[] {maxLr}, o);
    }

    private static Optimizer prepare(Optimizer optimizer, double[] baseLr, Options o) {
        if (!List.of("triangular", "triangular2", "exp_range").contains(o.mode)) {
            throw new IllegalArgumentException("mode is invalid and scale_fn is None");
        }
        double[] bases = perGroup("base_lr", optimizer, baseLr);
        List<ParamGroup> groups = optimizer.paramGroups();
        if (o.lastEpoch == -1) {
            for (int i = 0; i < groups.size(); i++) {
                groups.get(i).set("lr", bases[i]);
            }
        }
        if (o.cycleMomentum) {
            if (!optimizer.defaults().containsKey("momentum")) {
                throw new IllegalArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            }
            double[] baseM = perGroup("base_momentum", optimizer, o.baseMomentum);
            if (o.lastEpoch == -1) {
                for (int i = 0; i < groups.size(); i++) {
                    groups.get(i).set("momentum", baseM[i]);
                }
            }
        }
        return optimizer;
    }

    private double scale(double x) {
        return switch (mode) {
            case "triangular" -> 1.0;
            case "triangular2" -> 1 / Math.pow(2.0, x - 1);
            default -> Math.pow(gamma, x);
        };
    }

    @Override
    protected double[] getLr() {
        double cycle = Math.floor(1 + lastEpoch / totalSize);
        double x = 1. + lastEpoch / totalSize - cycle;
        double scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        double f = mode.equals("exp_range") ? scale(lastEpoch) : scale(cycle);
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            double baseHeight = (maxLrs[i] - baseLrs.get(i)) * scaleFactor;
            lrs[i] = baseLrs.get(i) + baseHeight * f;
        }
        if (cycleMomentum) {
            for (int i = 0; i < lrs.length; i++) {
                double baseHeight = (maxMomentums[i] - baseMomentums[i]) * scaleFactor;
                optimizer.paramGroups().get(i).set("momentum", maxMomentums[i] - baseHeight * f);
            }
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("max_lrs", maxLrs.clone());
        s.put("total_size", totalSize);
        s.put("step_ratio", stepRatio);
        s.put("mode", mode);
        s.put("gamma", gamma);
    }
}
