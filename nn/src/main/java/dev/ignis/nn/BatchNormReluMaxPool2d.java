package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/**
 * BatchNorm2d → ReLU → MaxPool2d as one module, put in a model by {@link Fusion#fuse}: in training
 * one op ({@code BatchNormReluMaxPool}) with the output, gradients and running statistics of the
 * three layers run one after another, without storing the normalised and rectified activations;
 * in evaluation the three layers' own computations. It holds the batch norm's own parameter and
 * buffer tensors under their names, so the model's state-dict keys and values do not change, and
 * passes {@link RunningStats} on to it, so {@code BatchNormUpdate.updateBn} recomputes the
 * statistics of a fused model as of the unfused one.
 */
public final class BatchNormReluMaxPool2d extends Module implements RunningStats {
    private final BatchNorm2d norm;
    private final MaxPool2d pool;

    /** Fuses {@code norm}, a ReLU and {@code pool}; shares (does not copy) the batch norm's tensors. */
    BatchNormReluMaxPool2d(BatchNorm2d norm, MaxPool2d pool) {
        this.norm = norm;
        this.pool = pool;
        for (Map.Entry<String, Tensor> p : norm.namedParameters().entrySet()) {
            boolean trainable = p.getValue().requiresGrad();
            registerParameter(p.getKey(), p.getValue()).requiresGrad(trainable);
        }
        norm.namedBuffers().forEach(this::registerBuffer);
        train(norm.isTraining());
    }

    @Override
    public Tensor forward(Tensor x) {
        norm.train(isTraining());
        Tensor fused = norm.forwardReluMaxPool(x, pool);
        return fused != null ? fused : pool.forward(norm.forward(x).relu());
    }

    @Override
    public void resetRunningStats() {
        norm.resetRunningStats();
    }

    @Override
    public double momentum() {
        return norm.momentum();
    }

    @Override
    public void momentum(double momentum) {
        norm.momentum(momentum);
    }

    @Override
    protected String extraRepr() {
        return norm + ", ReLU(), " + pool;
    }
}
