package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.TrainingStep;
import dev.ignis.tensor.Device;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The executor's replicas kept between rounds: for each (run, partition) the model, optimizer
 * and training step a round built, so that the next round on this executor loads the broadcast
 * weights into them instead of building the model again (the factory's layers with their random
 * initialisation, which the load then overwrites, the fusion pass, the optimizer), part of the
 * 4-11 ms a task spent setting up each round on the Fashion CNN. No partition data is held here,
 * so Spark's cache stays the only owner of a partition.
 *
 * <p>A round stays a function of its inputs: everything it reads is loaded from the broadcast
 * state ({@link Replica#train}), kept replica or new, with one exception: a module with a random
 * generator of its own (a {@code Dropout} given a {@code Generator}) draws on from where the last
 * round on this executor left it, where a new replica starts it from the factory's seed.
 *
 * <p>A task takes its replica out and gives it back when its round succeeded, so two attempts of
 * one partition never share one, and a failed attempt's replica is dropped. Memory is bounded:
 * at most {@link #CAPACITY} replicas, the least recently used dropped first; a task of another
 * run drops the replicas of every run but its own; and the trainer's last job ({@link #release})
 * drops a finished run's.
 */
final class LiveReplicas {
    static final int CAPACITY = 16;

    /** A kept replica, built for {@code device}. */
    record Live(Module model, Optimizer optimizer, TrainingStep step, Device device) {
    }

    private record Key(String run, int partition) {
    }

    private static final Map<Key, Live> KEPT = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Live> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Off in tests that compare kept replicas with new ones. */
    static volatile boolean enabled = true;

    private LiveReplicas() {
    }

    /** The replica kept for (run, partition) on {@code device}, taken out; null when there is none. */
    static synchronized Live take(String run, int partition, Device device) {
        KEPT.keySet().removeIf(key -> !key.run().equals(run));
        Live live = KEPT.remove(new Key(run, partition));
        return live != null && enabled && live.device().equals(device) ? live : null;
    }

    /** How many replicas are kept now. */
    static synchronized int kept() {
        return KEPT.size();
    }

    /** Drops the replicas kept for {@code run} (its training is over). */
    static synchronized void release(String run) {
        KEPT.keySet().removeIf(key -> key.run().equals(run));
    }

    /** Keeps {@code live} for the next round of (run, partition). */
    static synchronized void give(String run, int partition, Live live) {
        if (enabled) {
            KEPT.put(new Key(run, partition), live);
        }
    }
}
