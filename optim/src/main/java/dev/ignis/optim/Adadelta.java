package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Adadelta (Zeiler, 2012), torch.optim.Adadelta: g ← ±g + wd·θ; v ← ρv + (1−ρ)g²;
 * δ = √(u + eps)/√(v + eps)·g; u ← ρu + (1−ρ)δ²; θ ← θ − lr·δ. State: {@code step} (an integer),
 * {@code square_avg}, {@code acc_delta}.
 */
public final class Adadelta extends Optimizer {

    /** Adadelta's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends OptimizerOptions<Options> {
        public Options() {
            putDefault("lr", 1.0);
            putDefault("rho", 0.9);
            putDefault("eps", 1e-6);
            putDefault("weight_decay", 0.0);
            putDefault("maximize", false);
        }

        public Options rho(double v) {
            return put("rho", v);
        }

        public Options eps(double v) {
            return put("eps", v);
        }

        public Options weightDecay(double v) {
            return put("weight_decay", v);
        }

        public Options maximize(boolean v) {
            return put("maximize", v);
        }
    }

    public Adadelta(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public Adadelta(List<ParamGroup> groups, Options options) {
        super(groups, validate(options));
    }

    private static Map<String, Object> validate(Options o) {
        requireNonNegative("learning rate", o.number("lr"));
        double rho = o.number("rho");
        if (!(rho >= 0.0 && rho <= 1.0)) {
            throw new IllegalArgumentException("Invalid rho value: " + rho);
        }
        requireNonNegative("epsilon value", o.number("eps"));
        requireNonNegative("weight_decay value", o.number("weight_decay"));
        return o.values();
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        if (state.isEmpty()) {
            state.put("step", 0L);
            state.put("square_avg", Tensor.zerosLike(param));
            state.put("acc_delta", Tensor.zerosLike(param));
        }
        state.put("step", (Long) state.get("step") + 1);
        double rho = group.getDouble("rho");
        double eps = group.getDouble("eps");
        Tensor g = group.getBoolean("maximize") ? grad.neg() : grad;
        g = withWeightDecay(g, param, group.getDouble("weight_decay"));
        Tensor squareAvg = (Tensor) state.get("square_avg");
        Tensor accDelta = (Tensor) state.get("acc_delta");
        squareAvg.mul_(rho).addcmul_(g, g, 1 - rho);
        Tensor std = squareAvg.add(eps).sqrt_();
        Tensor delta = accDelta.add(eps).sqrt_().div_(std).mul_(g);
        accDelta.mul_(rho).addcmul_(delta, delta, 1 - rho);
        param.add_(delta, -group.getDouble("lr"));
    }
}
