package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the epoch-driven LR schedulers (torch.optim.lr_scheduler._LRScheduler). Construction
 * with {@code lastEpoch = -1} records each group's {@code initial_lr} and performs the first step
 * (last_epoch 0); resuming with {@code lastEpoch ≥ 0} requires {@code initial_lr} in every group.
 * {@link #step()} applies the chainable form {@link #getLr()} to the groups' current lr;
 * {@link #step(int)} jumps to an epoch using the closed form where the scheduler has one.
 *
 * <p>Subclasses set their fields, then call {@link #initialStep()} at the end of their
 * constructor (Java runs the base constructor first, so it cannot step for them).
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    protected int lastEpoch;
    protected List<Double> baseLrs;
    protected int stepCount;
    private List<Double> lastLr = List.of();

    protected LRScheduler(Optimizer optimizer, int lastEpoch) {
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            if (lastEpoch == -1) {
                g.setDefault("initial_lr", g.get("lr"));
            } else if (!g.has("initial_lr")) {
                throw new IllegalArgumentException("param 'initial_lr' is not specified in param_groups[" + i
                        + "] when resuming an optimizer");
            }
        }
        this.baseLrs = groupValues("initial_lr");
        this.lastEpoch = lastEpoch;
    }

    /** Protected for SequentialLR, which re-runs its first child's initial step. */
    protected final void initialStep() {
        stepCount = 0;
        step();
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int lastEpoch() {
        return lastEpoch;
    }

    /** The learning rates this scheduler last set, one per group. */
    public List<Double> getLastLr() {
        return lastLr;
    }

    /** The chainable form: each group's new lr from its current one and {@link #lastEpoch}. */
    protected abstract double[] getLr();

    /** The closed form at {@link #lastEpoch}, or null when the scheduler has none. */
    protected double[] closedFormLr() {
        return null;
    }

    /** Advances one epoch (or iteration) and sets every group's lr. */
    public void step() {
        stepCount++;
        lastEpoch++;
        apply(getLr());
    }

    /** Jumps to {@code epoch} (closed form where available), as PyTorch's deprecated step(epoch). */
    public void step(int epoch) {
        stepCount++;
        lastEpoch = epoch;
        double[] closed = closedFormLr();
        apply(closed != null ? closed : getLr());
    }

    protected final void apply(double[] lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).set("lr", lrs[i]);
        }
        lastLr = groupValues("lr");
    }

    protected final void setLastLr(List<Double> lrs) {
        lastLr = List.copyOf(lrs);
    }

    /** The current value of a numeric hyperparameter in every group. */
    protected final List<Double> groupValues(String key) {
        List<Double> values = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) {
            values.add(g.getDouble(key));
        }
        return values;
    }

    /** Current lr of group {@code i}. */
    protected final double lr(int i) {
        return optimizer.paramGroups().get(i).getDouble("lr");
    }

    protected final int groupCount() {
        return optimizer.paramGroups().size();
    }

    /** The scheduler's state under PyTorch's attribute names (lambdas are not saved). */
    public Map<String, Object> stateDict() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("base_lrs", List.copyOf(baseLrs));
        s.put("last_epoch", lastEpoch);
        s.put("_step_count", stepCount);
        s.put("_last_lr", List.copyOf(lastLr));
        saveState(s);
        return s;
    }

    @SuppressWarnings("unchecked")
    public void loadStateDict(Map<String, Object> s) {
        baseLrs = new ArrayList<>((List<Double>) s.get("base_lrs"));
        lastEpoch = (Integer) s.get("last_epoch");
        stepCount = (Integer) s.get("_step_count");
        lastLr = List.copyOf((List<Double>) s.get("_last_lr"));
        loadState(s);
    }

    /** Adds subclass fields to a state dict. */
    protected void saveState(Map<String, Object> s) {
    }

    /** Restores subclass fields from a state dict. */
    protected void loadState(Map<String, Object> s) {
    }

    /** Stores the state dicts of child schedulers under {@code _schedulers} (SequentialLR, ChainedScheduler). */
    static void saveChildren(Map<String, Object> s, List<LRScheduler> children) {
        List<Map<String, Object>> states = new ArrayList<>();
        for (LRScheduler child : children) {
            states.add(child.stateDict());
        }
        s.put("_schedulers", states);
    }

    @SuppressWarnings("unchecked")
    static void loadChildren(Map<String, Object> s, List<LRScheduler> children) {
        List<Map<String, Object>> states = (List<Map<String, Object>>) s.get("_schedulers");
        for (int i = 0; i < children.size(); i++) {
            children.get(i).loadStateDict(states.get(i));
        }
    }

    /** One value per group: a list of exactly that many, or one value repeated. */
    protected static double[] perGroup(String name, Optimizer optimizer, double[] values) {
        int n = optimizer.paramGroups().size();
        if (values.length == 1) {
            double[] out = new double[n];
            java.util.Arrays.fill(out, values[0]);
            return out;
        }
        if (values.length != n) {
            throw new IllegalArgumentException("expected " + n + " values for " + name + ", got " + values.length);
        }
        return values.clone();
    }
}
