package dev.ignis.optim;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * RAdam (Liu et al., 2020), torch.optim.RAdam: t ← t+1; g ← g + wd·θ; m, v as Adam;
 * m̂ = m/(1−β1^t); ρ∞ = 2/(1−β2) − 1; ρ_t = ρ∞ − 2t·β2^t/(1−β2^t); when ρ_t > 5 the step is
 * rectified: r = √((ρ_t−4)(ρ_t−2)ρ∞/((ρ∞−4)(ρ∞−2)ρ_t)), θ ← θ − m̂·lr·√(1−β2^t)/(√v + eps)·r;
 * else θ ← θ − m̂·lr. State: {@code step} (0-dim float32), {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class RAdam extends Optimizer {

    /** RAdam's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends MomentOptions<Options> {
        public Options() {
            putDefault("lr", 1e-3);
            putDefault("betas", new double[] {0.9, 0.999});
            putDefault("eps", 1e-8);
            putDefault("weight_decay", 0.0);
        }


    }

    public RAdam(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public RAdam(List<ParamGroup> groups, Options options) {
        super(groups, Adam.validate(options));
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        if (state.isEmpty()) {
            state.put("step", newStepCounter());
            state.put("exp_avg", Tensor.zerosLike(param));
            state.put("exp_avg_sq", Tensor.zerosLike(param));
        }
        double[] betas = group.getPair("betas");
        double lr = group.getDouble("lr");
        double step = increment((Tensor) state.get("step"));
        double biasCorrection1 = 1 - Math.pow(betas[0], step);
        double biasCorrection2 = 1 - Math.pow(betas[1], step);
        Tensor g = grad;
        g = withWeightDecay(g, param, group.getDouble("weight_decay"));
        Tensor expAvg = (Tensor) state.get("exp_avg");
        Tensor expAvgSq = (Tensor) state.get("exp_avg_sq");
        expAvg.mul_(betas[0]).add_(g, 1 - betas[0]);
        expAvgSq.mul_(betas[1]).addcmul_(g, g, 1 - betas[1]);
        Tensor corrected = expAvg.div(biasCorrection1);
        double rhoInf = 2 / (1 - betas[1]) - 1;
        double rhoT = rhoInf - 2 * step * Math.pow(betas[1], step) / biasCorrection2;
        if (rhoT > 5.0) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            // PyTorch evaluates float / tensor as reciprocal(tensor) · float: two roundings, kept here
            Tensor adaptiveLr = Tensor.scalar(1.0, DType.FLOAT32).to(param.device())
                    .div(expAvgSq.sqrt().add_(group.getDouble("eps"))).mul(Math.sqrt(biasCorrection2));
            param.add_(corrected.mul(lr).mul(adaptiveLr).mul(rect), -1.0);
        } else {
            param.add_(corrected.mul(lr), -1.0);
        }
    }
}
