package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015), torch.optim.Adam: t ← t+1; g ← ±g + wd·θ (L2); m ← β1m + (1−β1)g;
 * v ← β2v + (1−β2)g²; v̂ = max(v̂, v) with amsgrad; θ ← θ − lr/(1−β1^t) · m / (√v(̂)/√(1−β2^t) + eps).
 * State: {@code step} (0-dim float32), {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq}.
 * {@link AdamW} shares this rule with decoupled weight decay.
 */
public class Adam extends Optimizer {

    /** Adam's arguments, PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0. */
    public static final class Options extends AdamOptions<Options> {
        public Options() {
            super(0.0);
        }
    }

    public Adam(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public Adam(List<ParamGroup> groups, Options options) {
        this(groups, (AdamOptions<?>) options);
    }

    /** For AdamW: the same update from either class's options. */
    Adam(List<ParamGroup> groups, AdamOptions<?> options) {
        super(groups, validate(options));
    }

    static Map<String, Object> validate(OptimizerOptions<?> o) {
        requireNonNegative("learning rate", o.number("lr"));
        requireNonNegative("epsilon value", o.number("eps"));
        requireBetas(o.pair("betas"));
        requireNonNegative("weight_decay value", o.number("weight_decay"));
        return o.values();
    }

    /** Whether weight decay is decoupled (AdamW) rather than added to the gradient (Adam's L2). */
    boolean decoupledWeightDecay() {
        return false;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double lr = group.getDouble("lr");
        double[] betas = group.getPair("betas");
        double weightDecay = group.getDouble("weight_decay");
        boolean amsgrad = group.getBoolean("amsgrad");
        if (state.isEmpty()) {
            state.put("step", newStepCounter());
            state.put("exp_avg", Tensor.zerosLike(param));
            state.put("exp_avg_sq", Tensor.zerosLike(param));
            if (amsgrad) {
                state.put("max_exp_avg_sq", Tensor.zerosLike(param));
            }
        }
        Tensor g = group.getBoolean("maximize") ? grad.neg() : grad;
        double step = increment((Tensor) state.get("step"));
        if (decoupledWeightDecay()) {
            param.mul_(1 - lr * weightDecay);
        } else {
            g = withWeightDecay(g, param, weightDecay);
        }
        Tensor expAvg = (Tensor) state.get("exp_avg");
        Tensor expAvgSq = (Tensor) state.get("exp_avg_sq");
        expAvg.mul_(betas[0]).add_(g, 1 - betas[0]);
        expAvgSq.mul_(betas[1]).addcmul_(g, g, 1 - betas[1]);
        double biasCorrection1 = 1 - Math.pow(betas[0], step);
        double biasCorrection2 = 1 - Math.pow(betas[1], step);
        double stepSize = lr / biasCorrection1;
        Tensor second = expAvgSq;
        if (amsgrad) {
            Tensor max = (Tensor) state.get("max_exp_avg_sq");
            max.copy_(max.maximum(expAvgSq));
            second = max;
        }
        Tensor denom = second.sqrt().div(Math.sqrt(biasCorrection2)).add_(group.getDouble("eps"));
        param.addcdiv_(expAvg, denom, -stepSize);
    }
}
