package dev.ignis.swa;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * A running average of a model's weights (torch.optim.swa_utils.AveragedModel): an independent
 * copy of the model whose parameters (and, with {@code useBuffers}, buffers) {@link #updateParameters}
 * averages with an {@link AveragingFunction} — equal-weight SWA by default, or EMA. Without
 * {@code useBuffers} the buffers (BatchNorm statistics) are copied from the model on each update,
 * as PyTorch 2.x does (1.13 left them as they were when the average was made); recompute them
 * afterwards with {@link BatchNormUpdate#updateBn}.
 *
 * <p>Java has no generic deep copy, so the copy is built by {@code architecture} (a fresh model of
 * the same shape) and then given the model's state. State-dict keys are PyTorch's:
 * {@code n_averaged} (int64 scalar) and {@code module.*}. {@link #forward} runs the averaged copy.
 */
public final class AveragedModel<M extends Module> extends Module {
    private final M module;
    private final AveragingFunction averagingFunction;
    private final boolean useBuffers;
    private final Tensor nAveraged;

    /** Equal-weight SWA of the parameters; buffers follow the model. */
    public AveragedModel(M model, Supplier<M> architecture) {
        this(model, architecture, AveragingFunction.swa(), false);
    }

    /** A custom average of the parameters (e.g. {@code AveragingFunction.ema(0.999)}); buffers follow the model. */
    public AveragedModel(M model, Supplier<M> architecture, AveragingFunction averagingFunction) {
        this(model, architecture, averagingFunction, false);
    }

    /**
     * @param model the model to average; read, never modified
     * @param architecture builds a fresh model of the same architecture (the copy)
     * @param useBuffers average the buffers too instead of copying them
     */
    public AveragedModel(M model, Supplier<M> architecture, AveragingFunction averagingFunction, boolean useBuffers) {
        M copy = architecture.get();
        if (copy == model) {
            throw new IllegalArgumentException("AveragedModel: the architecture supplier must build a new model, not return"
                    + " the one being averaged");
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            copy.loadStateDict(model.stateDict(), true);
        }
        copy.train(model.isTraining());
        this.module = registerModule("module", copy);
        this.averagingFunction = averagingFunction;
        this.useBuffers = useBuffers;
        this.nAveraged = registerBuffer("n_averaged", Tensor.scalar(0, DType.INT64));
    }

    /** The averaged copy. */
    public M module() {
        return module;
    }

    /** How many models the average holds. */
    public long nAveraged() {
        return (long) nAveraged.item();
    }

    @Override
    public Tensor forward(Tensor input) {
        return module.call(input);
    }

    /**
     * Folds {@code model}'s current weights into the average (the first update copies them), on the
     * average's devices, without recording gradients; increments {@code n_averaged}.
     */
    public void updateParameters(M model) {
        long n = nAveraged();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Iterator<Tensor> mine = averaged(module).iterator();
            for (Tensor theirs : averaged(model)) {
                if (!mine.hasNext()) {
                    throw new IllegalArgumentException("AveragedModel.updateParameters: the model has more tensors than the average");
                }
                Tensor average = mine.next().detach();
                Tensor current = theirs.detach().to(average.device());
                average.copy_(n == 0 ? current : averagingFunction.apply(average, current, n));
            }
            if (!useBuffers) {
                Iterator<Tensor> ownBuffers = module.buffers().iterator();
                for (Tensor b : model.buffers()) {
                    Tensor own = ownBuffers.next();
                    own.copy_(b.to(own.device()));
                }
            }
            nAveraged.copy_(Tensor.scalar(n + 1, DType.INT64));
        }
    }

    private List<Tensor> averaged(Module m) {
        List<Tensor> tensors = new ArrayList<>(m.parameters());
        if (useBuffers) {
            tensors.addAll(m.buffers());
        }
        return tensors;
    }

    @Override
    protected String extraRepr() {
        return "";
    }
}
