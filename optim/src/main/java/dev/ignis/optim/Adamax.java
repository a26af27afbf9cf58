package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Adamax (Kingma and Ba, 2015, §7.1), torch.optim.Adamax: t ← t+1; g ← ±g + wd·θ;
 * m ← β1m + (1−β1)g; u ← max(β2u, |g| + eps); θ ← θ − lr/(1−β1^t)·m/u.
 * State: {@code step} (0-dim float32), {@code exp_avg}, {@code exp_inf}.
 */
public final class Adamax extends Optimizer {

    /** Adamax's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends MomentOptions<Options> {
        public Options() {
            putDefault("lr", 2e-3);
            putDefault("betas", new double[] {0.9, 0.999});
            putDefault("eps", 1e-8);
            putDefault("weight_decay", 0.0);
            putDefault("maximize", false);
        }



        public Options maximize(boolean v) {
            return put("maximize", v);
        }
    }

    public Adamax(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public Adamax(List<ParamGroup> groups, Options options) {
        super(groups, Adam.validate(options));
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        if (state.isEmpty()) {
            state.put("step", newStepCounter());
            state.put("exp_avg", Tensor.zerosLike(param));
            state.put("exp_inf", Tensor.zerosLike(param));
        }
        double[] betas = group.getPair("betas");
        Tensor g = group.getBoolean("maximize") ? grad.neg() : grad;
        double step = increment((Tensor) state.get("step"));
        g = withWeightDecay(g, param, group.getDouble("weight_decay"));
        Tensor expAvg = (Tensor) state.get("exp_avg");
        Tensor expInf = (Tensor) state.get("exp_inf");
        expAvg.mul_(betas[0]).add_(g, 1 - betas[0]);
        expInf.copy_(expInf.mul_(betas[1]).maximum(g.abs().add(group.getDouble("eps"))));
        double clr = group.getDouble("lr") / (1 - Math.pow(betas[0], step));
        param.addcdiv_(expAvg, expInf, -clr);
    }
}
