package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reduces lr by {@code factor} when a metric has stopped improving for more than
 * {@code patience} steps (torch ReduceLROnPlateau). "Better" is a &lt; best·(1 − threshold)
 * (min, rel), a &lt; best − threshold (min, abs), or the mirror images for max. After a
 * reduction, {@code cooldown} steps ignore bad epochs. A new lr = max(lr·factor, min_lr) is applied
 * only when it differs from the old by more than eps.
 */
public final class ReduceLROnPlateau {

    /** The arguments; the defaults are set here and nowhere else. */
    public static final class Options {
        String mode = "min";
        double factor = 0.1;
        int patience = 10;
        double threshold = 1e-4;
        String thresholdMode = "rel";
        int cooldown = 0;
        double[] minLr = {0.0};
        double eps = 1e-8;

        /** "min" or "max". */
        public Options mode(String v) {
            mode = v;
            return this;
        }

        public Options factor(double v) {
            factor = v;
            return this;
        }

        public Options patience(int v) {
            patience = v;
            return this;
        }

        public Options threshold(double v) {
            threshold = v;
            return this;
        }

        /** "rel" or "abs". */
        public Options thresholdMode(String v) {
            thresholdMode = v;
            return this;
        }

        public Options cooldown(int v) {
            cooldown = v;
            return this;
        }

        public Options minLr(double... v) {
            minLr = v.clone();
            return this;
        }

        public Options eps(double v) {
            eps = v;
            return this;
        }
    }

    private final Optimizer optimizer;
    private final Options o;
    private final double[] minLrs;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private List<Double> lastLr;

    public ReduceLROnPlateau(Optimizer optimizer, Options options) {
        if (options.factor >= 1.0) {
            throw new IllegalArgumentException("Factor should be < 1.0.");
        }
        if (!options.mode.equals("min") && !options.mode.equals("max")) {
            throw new IllegalArgumentException("mode " + options.mode + " is unknown!");
        }
        if (!options.thresholdMode.equals("rel") && !options.thresholdMode.equals("abs")) {
            throw new IllegalArgumentException("threshold mode " + options.thresholdMode + " is unknown!");
        }
        this.optimizer = optimizer;
        this.o = options;
        this.minLrs = LRScheduler.perGroup("min_lr", optimizer, options.minLr);
        this.best = worst();
        this.lastLr = lrs();
    }

    private double worst() {
        return o.mode.equals("min") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private boolean isBetter(double a) {
        boolean rel = o.thresholdMode.equals("rel");
        if (o.mode.equals("min")) {
            return rel ? a < best * (1. - o.threshold) : a < best - o.threshold;
        }
        return rel ? a > best * (o.threshold + 1.) : a > best + o.threshold;
    }

    /** Records one value of the monitored metric and reduces lr if it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > o.patience) {
            List<ParamGroup> groups = optimizer.paramGroups();
            for (int i = 0; i < groups.size(); i++) {
                double old = groups.get(i).getDouble("lr");
                double next = Math.max(old * o.factor, minLrs[i]);
                if (old - next > o.eps) {
                    groups.get(i).set("lr", next);
                }
            }
            cooldownCounter = o.cooldown;
            numBadEpochs = 0;
        }
        lastLr = lrs();
    }

    private List<Double> lrs() {
        return optimizer.paramGroups().stream().map(g -> g.getDouble("lr")).toList();
    }

    public List<Double> getLastLr() {
        return lastLr;
    }

    public Map<String, Object> stateDict() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("best", best);
        s.put("num_bad_epochs", numBadEpochs);
        s.put("cooldown_counter", cooldownCounter);
        s.put("last_epoch", lastEpoch);
        s.put("_last_lr", lastLr);
        return s;
    }

    @SuppressWarnings("unchecked")
    public void loadStateDict(Map<String, Object> s) {
        best = (Double) s.get("best");
        numBadEpochs = (Integer) s.get("num_bad_epochs");
        cooldownCounter = (Integer) s.get("cooldown_counter");
        lastEpoch = (Integer) s.get("last_epoch");
        lastLr = List.copyOf((List<Double>) s.get("_last_lr"));
    }
}
