package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import java.util.List;
import java.util.Map;

/**
 * Runs schedulers one after another, switching at the milestones (torch SequentialLR). At
 * construction the groups' lr is reset to initial_lr, every child's epoch is moved back one and
 * the first child's initial step is re-run. Exactly at a milestone the next child jumps to epoch 0
 * (its closed form); otherwise the active child steps.
 */
public final class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private final int[] milestones;

    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        super(check(optimizer, schedulers, milestones), 0);
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        this.lastEpoch = 0;
        for (ParamGroup g : optimizer.paramGroups()) {
            g.set("lr", g.get("initial_lr"));
        }
        for (LRScheduler s : schedulers) {
            s.lastEpoch -= 1;
        }
        schedulers.get(0).initialStep();
        setLastLr(schedulers.get(0).getLastLr());
    }

    private static Optimizer check(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer() != optimizer) {
                throw new IllegalArgumentException("Sequential Schedulers expects all schedulers to belong to the same"
                        + " optimizer, but got schedulers at index " + i + " to be different than the optimizer passed in.");
            }
        }
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("Sequential Schedulers expects number of schedulers provided to be one more"
                    + " than the number of milestone points, but got number of schedulers " + schedulers.size()
                    + " and the number of milestones to be equal to " + milestones.length);
        }
        return optimizer;
    }

    @Override
    protected double[] getLr() {
        throw new IllegalStateException("SequentialLR delegates to its schedulers");
    }

    @Override
    public void step() {
        lastEpoch++;
        int idx = 0;
        while (idx < milestones.length && milestones[idx] <= lastEpoch) {
            idx++;
        }
        LRScheduler active = schedulers.get(idx);
        if (idx > 0 && milestones[idx - 1] == lastEpoch) {
            active.step(0);
        } else {
            active.step();
        }
        setLastLr(active.getLastLr());
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        saveChildren(s, schedulers);
        s.put("_milestones", milestones.clone());
    }

    @Override
    protected void loadState(Map<String, Object> s) {
        loadChildren(s, schedulers);
    }
}
