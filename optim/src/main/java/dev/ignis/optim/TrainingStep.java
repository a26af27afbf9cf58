package dev.ignis.optim;

import dev.ignis.autograd.GradMode;
import dev.ignis.autograd.Profiler;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.MemoryScope;
import dev.ignis.tensor.Tensor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One supervised training step, the body that every Ignis training loop shares ({@code bin/ignis
 * train}, the examples and each Spark replica):
 * <pre>
 *   optimizer.zeroGrad();  output = forward(x);  loss = lossFn(output, target);
 *   loss.backward();       optimizer.step();
 * </pre>
 * It mutates the parameters and the optimizer's state; it reads nothing back from the device
 * (the loss stays a tensor until the caller asks for its value), so a loop on an accelerator does
 * not wait on every step. While a {@link Profiler} is open on the thread, the loss's forward and
 * the optimizer step are timed as "loss forward" and "optimizer step" (the model's layers and the
 * backward nodes time themselves).
 *
 * <p>Memory: the step runs in a {@link MemoryScope} of its own, so every intermediate (activations,
 * the graph's saved tensors, the backward pass's gradients in flight, kernels' scratch) goes back
 * to the device when it returns, without waiting for the garbage collector. The result's output
 * and loss are handed to the caller's scope (or to none); the gradients it leaves on the parameters
 * stay readable until the next step, which releases them before computing new ones (hold a
 * {@code clone()} to keep one longer). With a scope around each iteration of the caller's loop
 * (batch transfer and step), a device's memory is the same after every step.
 *
 * <p>{@code forward} is usually a model's {@code call} ({@code net::call}); this module does not
 * depend on {@code nn}, so any function of one tensor serves.
 */
public final class TrainingStep {
    private final Optimizer optimizer;
    private final Function<Tensor, Tensor> forward;
    private final BiFunction<Tensor, Tensor, Tensor> lossFn;

    /**
     * What one step left: the model's output and the scalar loss, both detached from the graph
     * (which the backward pass has already freed).
     */
    public record Result(Tensor output, Tensor loss) {
        /** The loss as a double (on an accelerator this waits for the step to finish). */
        public double lossValue() {
            return loss.item();
        }

        /**
         * How many rows of the output ([N, C] class scores) have their highest score at the class
         * index that {@code target} ([N], int64) gives them.
         */
        public long correct(Tensor target) {
            try (var ignored = GradMode.noGrad()) {
                return (long) output.argmax(1, false).eq(target).to(DType.FLOAT32).sum().item();
            }
        }
    }

    /**
     * @param optimizer the optimizer over the parameters that {@code forward} uses
     * @param forward   the model: input batch to output batch
     * @param lossFn    (output, target) to a scalar loss, e.g. {@code F::crossEntropy}
     */
    public TrainingStep(Optimizer optimizer, Function<Tensor, Tensor> forward,
                        BiFunction<Tensor, Tensor, Tensor> lossFn) {
        this.optimizer = optimizer;
        this.forward = forward;
        this.lossFn = lossFn;
    }

    /** Trains on one batch: {@code x} the inputs, {@code target} what {@code lossFn} compares the output with. */
    public Result run(Tensor x, Tensor target) {
        try (MemoryScope scope = MemoryScope.open()) {
            Result r = runInScope(x, target);
            return new Result(scope.keep(r.output()), scope.keep(r.loss()));
        }
    }

    private Result runInScope(Tensor x, Tensor target) {
        Profiler profiler = Profiler.active();
        releaseGradients();
        Tensor output = forward.apply(x);
        long lossStart = System.nanoTime();
        Tensor loss = lossFn.apply(output, target);
        if (profiler != null) {
            profiler.record("loss forward", System.nanoTime() - lossStart);
        }
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("TrainingStep: the loss must be a scalar, got shape "
                    + java.util.Arrays.toString(loss.shape()));
        }
        loss.backward();
        long stepStart = System.nanoTime();
        optimizer.step();
        if (profiler != null) {
            profiler.record("optimizer step", System.nanoTime() - stepStart);
        }
        return new Result(output.detach(), loss.detach());
    }

    /** The last step's gradients, released and cleared ({@code zero_grad(set_to_none=True)}). */
    private void releaseGradients() {
        for (ParamGroup group : optimizer.paramGroups()) {
            for (Tensor p : group.params()) {
                if (p.grad() != null) {
                    MemoryScope.release(p.grad());
                }
            }
        }
        optimizer.zeroGrad();
    }
}
