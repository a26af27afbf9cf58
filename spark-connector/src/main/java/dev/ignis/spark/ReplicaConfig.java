package dev.ignis.spark;

import java.io.Serializable;

/**
 * What every task needs to rebuild and train a replica; shipped once with the job closure.
 * {@code pieceSize} is the most elements one piece of a result vector holds (see {@link PiecePlan}).
 */
record ReplicaConfig(SerializableSupplier<dev.ignis.nn.Module> modelFactory, OptimizerFactory optimizerFactory,
                     LossFunction loss, int batchSize, long seed, int[] sampleShape, TaskHook hook,
                     int pieceSize)
        implements Serializable {
}
