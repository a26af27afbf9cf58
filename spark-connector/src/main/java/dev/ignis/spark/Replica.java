package dev.ignis.spark;

import dev.ignis.data.RandomSampler;
import dev.ignis.nn.Module;
import dev.ignis.swa.BatchNormUpdate;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.TrainingStep;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.MemoryScope;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side of a round: rebuild the model and optimizer from the broadcast state, train
 * this partition's share of the round's steps, and return the weighted contribution. A pure
 * function of (broadcast state, partition data, partition index), so a retried task returns the
 * same result.
 */
final class Replica {
    private Replica() {
    }

    /**
     * The order in which partition {@code partition} visits its {@code n} samples in {@code epoch}:
     * a permutation from a generator seeded by (seed, epoch, partition). Batch s of the epoch is
     * positions [s·B, min(n, (s+1)·B)) of it; the last batch may be short.
     */
    static long[] epochOrder(long seed, int epoch, int partition, int n) {
        return RandomSampler.permutation(n, new Generator(mix(seed, epoch, partition)));
    }

    /** One generator seed per (seed, epoch, partition). */
    static long mix(long seed, int epoch, int partition) {
        return seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + partition * 0x94D049BB133111EBL;
    }

    /** Batches in one epoch of a partition of n samples. */
    static int stepsPerEpoch(int n, int batchSize) {
        return (n + batchSize - 1) / batchSize;
    }

    /** A round on a cached partition: the round's steps of the epoch's seeded order. */
    static RoundResult train(ReplicaConfig cfg, RoundState state, PartitionData data, int partition, int round,
                             LongAccumulator steps) {
        return train(cfg, state, data, epochOrder(cfg.seed(), state.epoch(), partition, data.size()), state.firstStep(),
                partition, round, steps);
    }

    /**
     * A round on a streamed partition: {@code slice} holds just this round's samples, in the order
     * they are trained.
     */
    static RoundResult trainSlice(ReplicaConfig cfg, RoundState state, PartitionData slice, int partition, int round,
                                  LongAccumulator steps) {
        long[] order = new long[slice.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return train(cfg, state, slice, order, 0, partition, round, steps);
    }

    /**
     * Trains batches {@code firstStep, firstStep + 1, ...} (at most state.steps()) of {@code order}
     * over {@code data}, adding 1 to {@code stepsDone} (when not null) after each.
     */
    private static RoundResult train(ReplicaConfig cfg, RoundState state, PartitionData data, long[] order, int firstStep,
                                     int partition, int round, LongAccumulator stepsDone) {
        int steps = Math.min(firstStep + state.steps(), stepsPerEpoch(data.size(), cfg.batchSize())) - firstStep;
        if (steps <= 0) {
            return RoundResult.ZERO;
        }
        int expected = sampleSize(cfg.sampleShape());
        if (data.featureSize() != expected) {
            throw new IllegalArgumentException("partition " + partition + ": samples have " + data.featureSize()
                    + " features, but the sample shape " + Arrays.toString(cfg.sampleShape()) + " needs " + expected);
        }
        long started = System.nanoTime();
        Device device = ExecutorDevice.forCurrentTask(cfg.device());
        LiveReplicas.Live live = LiveReplicas.take(cfg.runId(), partition, device);
        if (live == null) {
            Module fresh = cfg.newModel();
            Optimizer optimizer = cfg.optimizerFactory().create(fresh.parameters());
            live = new LiveReplicas.Live(fresh, optimizer,
                    new TrainingStep(optimizer, fresh::call, cfg.loss()::apply), device);
        }
        // everything the round reads comes from the broadcast state, kept replica or new
        Module model = live.model();
        Optimizer optimizer = live.optimizer();
        ModelVector.load(model, state.weights(), state.counters());
        model.to(device).train();
        state.hyperparameters().applyTo(optimizer);
        state.optimizer().loadInto(optimizer);
        TrainingStep step = live.step();
        long samples = 0;
        double lossSum = 0;
        long correct = 0;
        // the partition's tensors on the device, and each step's batch, go back at a known point
        try (MemoryScope roundScope = MemoryScope.open()) {
            Tensor x = data.featureTensor(cfg.sampleShape()).to(device);
            Tensor y = data.targetTensor().to(device);
            for (int s = firstStep; s < firstStep + steps; s++) {
                try (MemoryScope stepScope = MemoryScope.open()) {
                    int from = s * cfg.batchSize();
                    int to = Math.min(data.size(), from + cfg.batchSize());
                    Tensor idx = Tensor.fromArray(Arrays.copyOfRange(order, from, to)).to(device);
                    Tensor target = y.indexSelect(0, idx);
                    TrainingStep.Result r = step.run(x.indexSelect(0, idx), target);
                    double value = r.lossValue();
                    if (!Double.isFinite(value)) {
                        throw new IllegalStateException("non-finite loss " + value + " in round " + round + ", partition "
                                + partition + ", epoch " + state.epoch() + ", step "
                                + (state.firstStep() + s - firstStep));
                    }
                    int n = to - from;
                    samples += n;
                    lossSum += value * n;
                    correct += data.regression() ? 0 : r.correct(target);
                }
                if (stepsDone != null) {
                    stepsDone.add(1);
                }
            }
        }
        model.to(Device.CPU);
        long[] counters = ModelVector.counters(model);
        for (int i = 0; i < counters.length; i++) {
            counters[i] -= state.counters()[i];
        }
        RoundResult result = RoundResult.weighted(ModelVector.weights(model), OptimizerVector.of(optimizer), samples,
                cfg.pieceSize(), counters, samples, lossSum, correct, (System.nanoTime() - started) / 1e9);
        LiveReplicas.give(cfg.runId(), partition, live);
        return result;
    }

    /**
     * Recomputes BatchNorm statistics on this partition for the given weights (updateBn's
     * cumulative average over its batches, in order) and returns the weights times the number of
     * batches, so that the batch-weighted average over partitions is updateBn over all batches.
     */
    static RoundResult batchNormPass(ReplicaConfig cfg, float[] weights, long[] counters, PartitionData data) {
        Tensor x = data.featureTensor(cfg.sampleShape());
        int batches = stepsPerEpoch(data.size(), cfg.batchSize());
        java.util.List<Tensor> inputs = new java.util.ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            int from = b * cfg.batchSize();
            inputs.add(x.narrow(0, from, Math.min(data.size(), from + cfg.batchSize()) - from));
        }
        return batchNormPass(cfg, weights, counters, inputs.iterator());
    }

    /** {@link #batchNormPass(ReplicaConfig, float[], long[], PartitionData)} over batches as they arrive. */
    static RoundResult batchNormPass(ReplicaConfig cfg, float[] weights, long[] counters, java.util.Iterator<Tensor> inputs) {
        if (!inputs.hasNext()) {
            return RoundResult.ZERO;
        }
        Module model = cfg.newModel();
        ModelVector.load(model, weights, counters);
        long[] counted = {0};
        Iterable<Tensor> counting = () -> new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return inputs.hasNext();
            }

            @Override
            public Tensor next() {
                counted[0]++;
                return inputs.next();
            }
        };
        BatchNormUpdate.updateBn(counting, model);
        long batches = counted[0];
        return RoundResult.weighted(ModelVector.weights(model), OptimizerVector.EMPTY, batches, cfg.pieceSize(),
                new long[counters.length], batches, 0, 0, 0);
    }

    /** The number of values in one sample of {@code sampleShape}. */
    static int sampleSize(int[] sampleShape) {
        int n = 1;
        for (int d : sampleShape) {
            n *= d;
        }
        return n;
    }

    static int[] shape(int n, int[] sampleShape) {
        int[] s = new int[sampleShape.length + 1];
        s[0] = n;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }
}
