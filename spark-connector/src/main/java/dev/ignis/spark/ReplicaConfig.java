package dev.ignis.spark;

import dev.ignis.nn.Fusion;
import dev.ignis.nn.Module;
import java.io.Serializable;

/**
 * What every task needs to rebuild and train a replica; broadcast once per run, so that an executor
 * deserializes the factories once rather than with every round's task.
 * {@code pieceSize} is the most elements one piece of a result vector holds (see {@link PiecePlan});
 * {@code fuseLayers} applies {@link Fusion#fuse} to each replica's model; {@code device} is the
 * run's device setting ({@link ExecutorDevice#forCurrentTask}); {@code runId} names the run, so
 * that an executor keeps its replicas between the run's rounds ({@link LiveReplicas}).
 */
record ReplicaConfig(SerializableSupplier<Module> modelFactory, OptimizerFactory optimizerFactory,
                     LossFunction loss, int batchSize, long seed, int[] sampleShape, TaskHook hook,
                     int pieceSize, boolean fuseLayers, String device, String runId)
        implements Serializable {

    /** A new model for a task to train: the factory's, fused unless turned off (same state-dict keys either way). */
    Module newModel() {
        Module model = modelFactory.get();
        return fuseLayers ? Fusion.fuse(model) : model;
    }
}
