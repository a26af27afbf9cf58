package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019), torch.optim.AdamW: after t ← t+1, θ ← θ(1 − lr·wd), then
 * Adam's update without L2. Default weight_decay 1e-2.
 */
public final class AdamW extends Adam {

    /** AdamW's arguments: Adam's, with weight_decay defaulting to 1e-2 (PyTorch's default). */
    public static final class Options extends AdamOptions<Options> {
        public Options() {
            super(1e-2);
        }
    }

    public AdamW(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public AdamW(List<ParamGroup> groups, Options options) {
        super(groups, options);
    }

    @Override
    boolean decoupledWeightDecay() {
        return true;
    }
}
