package dev.ignis.autograd;

import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user-defined differentiable op (torch.autograd.Function): subclasses give the forward
 * computation and its backward; {@link #apply} runs forward without recording, then attaches one
 * node to the outputs so the op composes with built-in ops in the graph (and with {@link GradCheck}).
 *
 * <pre>{@code
 * final class Cube extends Function {
 *     protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
 *         ctx.saveForBackward(in[0]);
 *         return new Tensor[] {in[0].pow(3)};
 *     }
 *     protected Tensor[] backward(FunctionContext ctx, Tensor... gradOut) {
 *         Tensor x = ctx.savedTensors()[0];
 *         return new Tensor[] {gradOut[0].mul(x.pow(2)).mul(3)};
 *     }
 * }
 * Tensor y = new Cube().apply(x);
 * }</pre>
 *
 * Inputs may be null (optional tensors). Non-tensor arguments belong in the subclass's fields or in
 * the context ({@link FunctionContext#put}). Backward receives one gradient per output — zeros for
 * outputs that did not take part in the loss — and returns one gradient per input, each of that
 * input's shape or null; gradients for inputs that need none are discarded.
 */
public abstract class Function {

    /** Computes the outputs from the inputs; runs with recording disabled. Must return new tensors. */
    protected abstract Tensor[] forward(FunctionContext ctx, Tensor... inputs);

    /** dL/d(outputs) → dL/d(inputs); runs with recording disabled. */
    protected abstract Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs);

    /** The grad_fn name shown in the graph; {@code <ClassName>Backward} by default. */
    protected String name() {
        return getClass().getSimpleName() + "Backward";
    }

    /**
     * Runs the op and returns its single output.
     *
     * @throws IllegalStateException when forward returns more than one output (use {@link #applyAll})
     */
    public final Tensor apply(Tensor... inputs) {
        Tensor[] outputs = applyAll(inputs);
        if (outputs.length != 1) {
            throw new IllegalStateException(name() + ": forward returned " + outputs.length + " outputs; call applyAll");
        }
        return outputs[0];
    }

    /** Runs the op and returns all its outputs, recorded for autograd when an input requires grad. */
    public final Tensor[] applyAll(Tensor... inputs) {
        boolean[] needs = new boolean[inputs.length];
        boolean record = false;
        if (GradMode.isEnabled()) {
            for (int i = 0; i < inputs.length; i++) {
                needs[i] = inputs[i] != null && inputs[i].requiresGrad();
                record |= needs[i];
            }
        }
        FunctionContext ctx = new FunctionContext(needs);
        Tensor[] outputs;
        try (var ignored = GradMode.noGrad()) {
            outputs = forward(ctx, inputs);
            if (outputs == null || outputs.length == 0) {
                throw new IllegalStateException(name() + ": forward must return at least one tensor");
            }
            outputs = outputs.clone();
            for (int o = 0; o < outputs.length; o++) {
                for (Tensor in : inputs) {
                    if (outputs[o] == in && in != null) {
                        boolean nonDiff = ctx.isNonDifferentiable(in);
                        outputs[o] = in.detach();   // an input returned as is becomes a new tensor on the same data
                        if (nonDiff) {
                            ctx.markNonDifferentiable(outputs[o]);
                        }
                    }
                }
            }
        }
        if (!record) {
            return outputs;
        }
        List<Integer> differentiable = new ArrayList<>();
        for (int o = 0; o < outputs.length; o++) {
            if (outputs[o] != null && outputs[o].dtype().isFloatingPoint() && !ctx.isNonDifferentiable(outputs[o])) {
                differentiable.add(o);
            }
        }
        if (differentiable.isEmpty()) {
            return outputs;
        }
        Tensor[] outs = outputs;
        if (differentiable.size() == 1) {
            int d = differentiable.get(0);
            outs[d].attachGradFn(new Node(name(), inputs, new Tensor[0], (g, c) -> runBackward(ctx, inputs, outs,
                    new int[] {d}, new Tensor[] {g})));
        } else {
            MultiOutput.attach(this, ctx, inputs, outs, differentiable);
        }
        return outputs;
    }

    /** Calls {@link #backward} with one gradient per output and checks what it returns. */
    final Tensor[] runBackward(FunctionContext ctx, Tensor[] inputs, Tensor[] outputs, int[] received, Tensor[] grads) {
        Tensor[] gradOutputs = new Tensor[outputs.length];
        for (int k = 0; k < received.length; k++) {
            gradOutputs[received[k]] = grads[k];
        }
        for (int o = 0; o < outputs.length; o++) {
            if (gradOutputs[o] == null && outputs[o] != null) {
                gradOutputs[o] = Tensor.zeros(outputs[o].dtype(), outputs[o].device(), outputs[o].shape());
            }
        }
        Tensor[] gradInputs = backward(ctx, gradOutputs);
        if (gradInputs == null || gradInputs.length != inputs.length) {
            throw new IllegalStateException("function " + name() + " returned an incorrect number of gradients (expected "
                    + inputs.length + ", got " + (gradInputs == null ? 0 : gradInputs.length) + ")");
        }
        Tensor[] checked = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = gradInputs[i];
            if (g == null || !ctx.needsInputGrad(i)) {
                continue;
            }
            if (!Arrays.equals(g.shape(), inputs[i].shape())) {
                throw new IllegalStateException("Function " + name() + " returned an invalid gradient at index " + i
                        + " - got " + Shape.format(g.shape()) + " but expected shape compatible with "
                        + Shape.format(inputs[i].shape()));
            }
            checked[i] = g;
        }
        return checked;
    }
}
