package dev.ignis.optim.lr;

import java.util.List;
import java.util.Map;

/** Steps every scheduler in order on each step, so their effects compose (torch ChainedScheduler). */
public final class ChainedScheduler extends LRScheduler {
    private final List<LRScheduler> schedulers;

    public ChainedScheduler(List<LRScheduler> schedulers) {
        super(schedulers.get(0).optimizer(), 0);
        for (int i = 1; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer() != schedulers.get(0).optimizer()) {
                throw new IllegalArgumentException("ChainedScheduler expects all schedulers to belong to the same optimizer,"
                        + " but got schedulers at index 0 and " + i + " to be different");
            }
        }
        this.schedulers = List.copyOf(schedulers);
        setLastLr(groupValues("lr"));
    }

    @Override
    protected double[] getLr() {
        throw new IllegalStateException("ChainedScheduler delegates to its schedulers");
    }

    @Override
    public void step() {
        for (LRScheduler s : schedulers) {
            s.step();
        }
        setLastLr(groupValues("lr"));
    }

    @Override
    protected void saveState(Map<String, Object> s) {
        saveChildren(s, schedulers);
    }

    @Override
    protected void loadState(Map<String, Object> s) {
        loadChildren(s, schedulers);
    }
}
