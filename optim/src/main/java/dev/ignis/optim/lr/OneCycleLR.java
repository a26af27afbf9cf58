package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import java.util.List;
import java.util.Map;

/**
 * The 1cycle policy (Smith and Topin, 2018), per step: lr rises from max_lr/div_factor to max_lr
 * over pct_start of the steps, then falls to initial_lr/final_div_factor (three_phase: back to
 * initial first); momentum (or beta1) moves inversely between base and max momentum. Annealing is
 * cosine (end + (start−end)/2·(1 + cos π·pct)) or linear. Stepping past total_steps is an error.
 */
public final class OneCycleLR extends LRScheduler {

    /** OneCycleLR's arguments; the defaults are set here and nowhere else. */
    public static final class Options {
        int totalSteps = -1;
        int epochs = -1;
        int stepsPerEpoch = -1;
        double pctStart = 0.3;
        String annealStrategy = "cos";
        boolean cycleMomentum = true;
        double[] baseMomentum = {0.85};
        double[] maxMomentum = {0.95};
        double divFactor = 25.0;
        double finalDivFactor = 1e4;
        boolean threePhase = false;
        int lastEpoch = -1;

        public Options totalSteps(int v) {
            totalSteps = v;
            return this;
        }

        /** PyTorch's epochs: with stepsPerEpoch, the schedule's length when totalSteps is not given. */
        public Options epochs(int v) {
            epochs = v;
            return this;
        }

        /** PyTorch's steps_per_epoch (see {@link #epochs}). */
        public Options stepsPerEpoch(int v) {
            stepsPerEpoch = v;
            return this;
        }

        public Options pctStart(double v) {
            pctStart = v;
            return this;
        }

        /** "cos" or "linear". */
        public Options annealStrategy(String v) {
            annealStrategy = v;
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

        public Options divFactor(double v) {
            divFactor = v;
            return this;
        }

        public Options finalDivFactor(double v) {
            finalDivFactor = v;
            return this;
        }

        public Options threePhase(boolean v) {
            threePhase = v;
            return this;
        }

        public Options lastEpoch(int v) {
            lastEpoch = v;
            return this;
        }
    }

    private record Phase(double endStep, String startLr, String endLr, String startMomentum, String endMomentum) {
    }

    private final int totalSteps;
    private final List<Phase> phases;
    private final boolean linear;
    private final boolean cycleMomentum;
    private final boolean useBeta1;

    public OneCycleLR(Optimizer optimizer, double[] maxLr, Options o) {
        super(prepare(optimizer, maxLr, o), o.lastEpoch);
        this.totalSteps = totalSteps(o);
        this.phases = o.threePhase
                ? List.of(new Phase(o.pctStart * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                        new Phase(2 * o.pctStart * totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                        new Phase(totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"))
                : List.of(new Phase(o.pctStart * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                        new Phase(totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"));
        this.linear = o.annealStrategy.equals("linear");
        this.cycleMomentum = o.cycleMomentum;
        this.useBeta1 = optimizer.defaults().containsKey("betas");
        initialStep();
    }

    public OneCycleLR(Optimizer optimizer, double maxLr, Options o) {
        this(optimizer, new double[] {maxLr}, o);
    }

    private static int totalSteps(Options o) {
        if (o.totalSteps > 0) {
            return o.totalSteps;
        }
        if (o.totalSteps == -1 && o.epochs == -1 && o.stepsPerEpoch == -1) {
            throw new IllegalArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
        }
        if (o.totalSteps != -1) {
            throw new IllegalArgumentException("Expected positive integer total_steps, but got " + o.totalSteps);
        }
        if (o.epochs <= 0) {
            throw new IllegalArgumentException("Expected positive integer epochs, but got " + o.epochs);
        }
        if (o.stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("Expected positive integer steps_per_epoch, but got " + o.stepsPerEpoch);
        }
        return o.epochs * o.stepsPerEpoch;
    }

    /** Validates and writes initial_lr, max_lr, min_lr and the momenta into the groups (before the base constructor). */
    private static Optimizer prepare(Optimizer optimizer, double[] maxLr, Options o) {
        totalSteps(o);
        if (o.pctStart < 0 || o.pctStart > 1) {
            throw new IllegalArgumentException("Expected float between 0 and 1 pct_start, but got " + o.pctStart);
        }
        if (!o.annealStrategy.equals("cos") && !o.annealStrategy.equals("linear")) {
            throw new IllegalArgumentException("anneal_strategy must by one of 'cos' or 'linear', instead got "
                    + o.annealStrategy);
        }
        double[] maxLrs = perGroup("max_lr", optimizer, maxLr);
        List<ParamGroup> groups = optimizer.paramGroups();
        if (o.lastEpoch == -1) {
            for (int i = 0; i < groups.size(); i++) {
                ParamGroup g = groups.get(i);
                g.set("initial_lr", maxLrs[i] / o.divFactor);
                g.set("max_lr", maxLrs[i]);
                g.set("min_lr", g.getDouble("initial_lr") / o.finalDivFactor);
            }
        }
        if (o.cycleMomentum) {
            boolean beta1 = optimizer.defaults().containsKey("betas");
            if (!optimizer.defaults().containsKey("momentum") && !beta1) {
                throw new IllegalArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            }
            double[] maxM = perGroup("max_momentum", optimizer, o.maxMomentum);
            double[] baseM = perGroup("base_momentum", optimizer, o.baseMomentum);
            if (o.lastEpoch == -1) {
                for (int i = 0; i < groups.size(); i++) {
                    ParamGroup g = groups.get(i);
                    setMomentum(g, beta1, maxM[i]);
                    g.set("max_momentum", maxM[i]);
                    g.set("base_momentum", baseM[i]);
                }
            }
        }
        return optimizer;
    }

    private static void setMomentum(ParamGroup g, boolean beta1, double value) {
        if (beta1) {
            double[] betas = g.getPair("betas");
            g.set("betas", new double[] {value, betas[1]});
        } else {
            g.set("momentum", value);
        }
    }

    private double anneal(double start, double end, double pct) {
        return linear ? (end - start) * pct + start : end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }

    @Override
    protected double[] getLr() {
        int stepNum = lastEpoch;
        if (stepNum > totalSteps) {
            throw new IllegalStateException("Tried to step " + (stepNum + 1) + " times. The specified number of total steps"
                    + " is " + totalSteps);
        }
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            ParamGroup g = optimizer.paramGroups().get(i);
            double start = 0;
            for (int k = 0; k < phases.size(); k++) {
                Phase phase = phases.get(k);
                if (stepNum <= phase.endStep() || k == phases.size() - 1) {
                    double pct = (stepNum - start) / (phase.endStep() - start);
                    lrs[i] = anneal(g.getDouble(phase.startLr()), g.getDouble(phase.endLr()), pct);
                    if (cycleMomentum) {
                        setMomentum(g, useBeta1,
                                anneal(g.getDouble(phase.startMomentum()), g.getDouble(phase.endMomentum()), pct));
                    }
                    break;
                }
                start = phase.endStep();
            }
        }
        return lrs;
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        s.put("total_steps", totalSteps);
    }
}
