package dev.ignis.autograd;

import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a {@link Function} with several differentiable outputs in a graph whose nodes have one
 * output each: the outputs are packed (flattened, concatenated) into one hidden tensor that owns
 * the Function's node, and each output gets a small node that places its gradient into its slice
 * of the packed gradient. The engine sums those slices, so the Function's backward runs once with
 * every output's gradient.
 */
final class MultiOutput {
    private MultiOutput() {
    }

    static void attach(Function fn, FunctionContext ctx, Tensor[] inputs, Tensor[] outputs, List<Integer> differentiable) {
        int count = differentiable.size();
        int[] received = new int[count];
        int[] offsets = new int[count + 1];
        List<Tensor> flat = new ArrayList<>();
        Tensor first = outputs[differentiable.get(0)];
        for (int k = 0; k < count; k++) {
            Tensor out = outputs[differentiable.get(k)];
            received[k] = differentiable.get(k);
            offsets[k + 1] = offsets[k] + out.numel();
            flat.add(out.detach().reshape(-1).to(first.dtype()));
        }
        Tensor packed;
        try (var ignored = GradMode.noGrad()) {
            packed = Tensor.cat(flat, 0);
        }
        packed.attachGradFn(new Node(fn.name(), inputs, new Tensor[0], (g, c) -> {
            Tensor[] grads = new Tensor[count];
            for (int k = 0; k < count; k++) {
                Tensor out = outputs[received[k]];
                grads[k] = g.narrow(0, offsets[k], offsets[k + 1] - offsets[k]).reshape(out.shape()).to(out.dtype());
            }
            return fn.runBackward(ctx, inputs, outputs, received, grads);
        }));
        for (int k = 0; k < count; k++) {
            int slice = k;
            outputs[received[k]].attachGradFn(new Node(fn.name() + "Output" + k, new Tensor[] {packed}, new Tensor[0],
                    (g, c) -> {
                        Tensor whole = Tensor.zeros(packed.dtype(), packed.device(), packed.numel());
                        whole.narrow(0, offsets[slice], offsets[slice + 1] - offsets[slice]).copy_(g.reshape(-1));
                        return new Tensor[] {whole};
                    }));
        }
    }
}
