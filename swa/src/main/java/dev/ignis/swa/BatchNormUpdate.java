package dev.ignis.swa;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.nn.RunningStats;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes BatchNorm running statistics for averaged weights (torch.optim.swa_utils.update_bn):
 * averaged weights never saw the statistics their activations have, so one pass over the data
 * recomputes them.
 */
public final class BatchNormUpdate {
    private BatchNormUpdate() {
    }

    /** {@link #updateBn(Iterable, Module, Device)} on the inputs' own device. */
    public static void updateBn(Iterable<?> loader, Module model) {
        updateBn(loader, model, null);
    }

    /**
     * Resets every {@link RunningStats} layer (mean 0, var 1, num_batches_tracked 0), switches them
     * to a cumulative average (momentum NaN), runs {@code model} in training mode without grad on
     * every batch — a batch that is an array or list contributes its first element — then restores
     * each layer's momentum and the model's training mode. The statistics end as the equal-weight
     * mean of the batch means and of the unbiased batch variances. Parameters are not changed;
     * nothing happens when the model has no such layer.
     *
     * @param device where to move each input first, or null to leave it
     */
    public static void updateBn(Iterable<?> loader, Module model, Device device) {
        Map<RunningStats, Double> momenta = new LinkedHashMap<>();
        for (Module m : model.namedModules().values()) {
            if (m instanceof RunningStats stats) {
                stats.resetRunningStats();
                momenta.put(stats, stats.momentum());
            }
        }
        if (momenta.isEmpty()) {
            return;
        }
        boolean wasTraining = model.isTraining();
        model.train();
        momenta.keySet().forEach(stats -> stats.momentum(Double.NaN));
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Object batch : loader) {
                Tensor input = firstTensor(batch);
                model.call(device == null ? input : input.to(device));
            }
        } finally {
            momenta.forEach(RunningStats::momentum);
            model.train(wasTraining);
        }
    }

    private static Tensor firstTensor(Object batch) {
        Object first = batch instanceof Object[] array ? array[0] : batch instanceof List<?> list ? list.get(0) : batch;
        if (first instanceof Tensor t) {
            return t;
        }
        throw new IllegalArgumentException("updateBn: a batch must be a tensor, or an array/list whose first element is"
                + " the input tensor; got " + (first == null ? "null" : first.getClass().getName()));
    }
}
