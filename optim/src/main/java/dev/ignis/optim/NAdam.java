package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * NAdam (Dozat, 2016), torch.optim.NAdam: t ← t+1; g ← g + wd·θ;
 * μ_t = β1(1 − ½·0.96^(t·ψ)), μ_{t+1} likewise; Πμ ← Πμ·μ_t; m ← β1m + (1−β1)g;
 * v ← β2v + (1−β2)g²; d = √(v/(1−β2^t)) + eps;
 * θ ← θ − lr(1−μ_t)/(1−Πμ)·g/d − lr·μ_{t+1}/(1−Πμ·μ_{t+1})·m/d (ψ = momentum_decay).
 * State: {@code step}, {@code mu_product} (0-dim float32, as PyTorch rounds them), {@code exp_avg},
 * {@code exp_avg_sq}. The momentum product accumulates in float32 in PyTorch 1.13 and 2.x alike;
 * 2.x's {@code decoupled_weight_decay} (NAdamW) is not offered.
 */
public final class NAdam extends Optimizer {

    /** NAdam's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends MomentOptions<Options> {
        public Options() {
            putDefault("lr", 2e-3);
            putDefault("betas", new double[] {0.9, 0.999});
            putDefault("eps", 1e-8);
            putDefault("weight_decay", 0.0);
            putDefault("momentum_decay", 4e-3);
        }



        public Options momentumDecay(double v) {
            return put("momentum_decay", v);
        }
    }

    public NAdam(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public NAdam(List<ParamGroup> groups, Options options) {
        super(groups, validate(options));
    }

    private static Map<String, Object> validate(Options o) {
        Adam.validate(o);
        requireNonNegative("momentum_decay value", o.number("momentum_decay"));
        return o.values();
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        if (state.isEmpty()) {
            state.put("step", newStepCounter());
            state.put("mu_product", Tensor.scalar(1.0, dev.ignis.tensor.DType.FLOAT32));
            state.put("exp_avg", Tensor.zerosLike(param));
            state.put("exp_avg_sq", Tensor.zerosLike(param));
        }
        double[] betas = group.getPair("betas");
        double lr = group.getDouble("lr");
        double decay = group.getDouble("momentum_decay");
        double step = increment((Tensor) state.get("step"));
        double biasCorrection2 = 1 - Math.pow(betas[1], step);
        Tensor g = grad;
        g = withWeightDecay(g, param, group.getDouble("weight_decay"));
        double mu = betas[0] * (1.0 - 0.5 * Math.pow(0.96, step * decay));
        double muNext = betas[0] * (1.0 - 0.5 * Math.pow(0.96, (step + 1) * decay));
        Tensor muProduct = (Tensor) state.get("mu_product");
        muProduct.mul_(mu);
        double muProductNext = muProduct.mul(mu).mul(muNext).item();
        Tensor expAvg = (Tensor) state.get("exp_avg");
        Tensor expAvgSq = (Tensor) state.get("exp_avg_sq");
        expAvg.mul_(betas[0]).add_(g, 1 - betas[0]);
        expAvgSq.mul_(betas[1]).addcmul_(g, g, 1 - betas[1]);
        Tensor denom = expAvgSq.div(biasCorrection2).sqrt().add_(group.getDouble("eps"));
        param.addcdiv_(g, denom, -lr * (1.0 - mu) / (1.0 - muProduct.item()));
        param.addcdiv_(expAvg, denom, -lr * muNext / (1.0 - muProductNext));
    }
}
