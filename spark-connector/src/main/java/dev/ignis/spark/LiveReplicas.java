package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.TrainingStep;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The executor's replicas kept between rounds: for each (run, partition) the model, optimizer
 * and training step a round built, and the partition's tensors, so that the next round on this
 * executor loads the broadcast weights into them instead of building the model again (the
 * factory's layers with their random initialisation, which the load then overwrites, the fusion
 * pass, the optimizer, the labels' tensor): most of a task's 4-11 ms of set-up per round on the
 * Fashion CNN. A round stays a function of its inputs: everything it reads is loaded from the
 * broadcast state ({@link Replica#train}), kept replica or new, with one exception: a module with
 * a random generator of its own (a {@code Dropout} given a {@code Generator}) draws on from where
 * the last round on this executor left it, where a new replica starts it from the factory's seed.
 *
 * <p>A task takes its replica out and gives it back when its round succeeded, so two attempts of
 * one partition never share one, and a failed attempt's replica is dropped. At most
 * {@link #CAPACITY} are kept, the least recently used dropped first.
 */
final class LiveReplicas {
    static final int CAPACITY = 16;

    /** A kept replica: built for {@code device}; {@code data} is the partition its tensors view. */
    static final class Live {
        final Module model;
        final Optimizer optimizer;
        final TrainingStep step;
        final Device device;
        PartitionData data;
        Tensor x;
        Tensor y;

        Live(Module model, Optimizer optimizer, TrainingStep step, Device device) {
            this.model = model;
            this.optimizer = optimizer;
            this.step = step;
            this.device = device;
        }

        /** Points x and y at {@code data} on the device, unless they already view that very partition. */
        void use(PartitionData data, int[] sampleShape) {
            if (this.data != data) {
                this.data = data;
                x = data.featureTensor(sampleShape).to(device);
                y = data.targetTensor().to(device);
            }
        }
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
        Live live = KEPT.remove(new Key(run, partition));
        return live != null && enabled && live.device.equals(device) ? live : null;
    }

    /** Keeps {@code live} for the next round of (run, partition). */
    static synchronized void give(String run, int partition, Live live) {
        if (enabled) {
            KEPT.put(new Key(run, partition), live);
        }
    }
}
