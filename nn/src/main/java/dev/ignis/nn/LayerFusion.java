package dev.ignis.nn;

import dev.ignis.autograd.Profiler;
import dev.ignis.tensor.Tensor;
import java.util.List;

/**
 * Layers of a {@link Sequential} that run as one fused op, with the same output, gradients and
 * running statistics as running them one by one: BatchNorm2d → ReLU → MaxPool2d while the batch
 * norm uses batch statistics (training). The normalised and rectified activations are never
 * stored, which saves two full-size passes over memory and two allocations each way (see
 * tensor-core's {@code BatchNormReluMaxPool}). Layers with hooks registered run one by one, so every
 * hook sees its layer's input and output; {@code -Dignis.nn.fuse=false} turns fusion off.
 */
final class LayerFusion {
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("ignis.nn.fuse", "true"));

    private LayerFusion() {
    }

    /**
     * The output of {@code modules[i]}, {@code modules[i + 1]} and {@code modules[i + 2]} on
     * {@code x} as one op, or null (nothing run) when they are not a fusable BatchNorm2d → ReLU →
     * MaxPool2d.
     */
    static Tensor batchNormReluMaxPool(List<Module> modules, int i, Tensor x) {
        if (!ENABLED || i + 2 >= modules.size() || !(modules.get(i) instanceof BatchNorm2d norm)
                || !(modules.get(i + 1) instanceof ReLU relu) || !(modules.get(i + 2) instanceof MaxPool2d pool)
                || norm.hasHooks() || relu.hasHooks() || pool.hasHooks()) {
            return null;
        }
        Profiler profiler = Profiler.active();
        long started = profiler == null ? 0 : System.nanoTime();
        Tensor out = norm.forwardReluMaxPool(x, pool);
        if (profiler != null && out != null) {
            profiler.record("BatchNorm2d+ReLU+MaxPool2d forward", System.nanoTime() - started);
        }
        return out;
    }
}
