package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Adagrad (Duchi et al., 2011), torch.optim.Adagrad: t ← t+1; g ← ±g + wd·θ;
 * clr = lr/(1 + (t−1)·lr_decay); Σ ← Σ + g²; θ ← θ − clr·g/(√Σ + eps). State {@code step} and
 * {@code sum} are created when a group is added, as PyTorch does.
 */
public final class Adagrad extends Optimizer {

    /** Adagrad's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends OptimizerOptions<Options> {
        public Options() {
            putDefault("lr", 1e-2);
            putDefault("lr_decay", 0.0);
            putDefault("weight_decay", 0.0);
            putDefault("initial_accumulator_value", 0.0);
            putDefault("eps", 1e-10);
            putDefault("maximize", false);
        }

        public Options lrDecay(double v) {
            return put("lr_decay", v);
        }

        public Options weightDecay(double v) {
            return put("weight_decay", v);
        }

        public Options initialAccumulatorValue(double v) {
            return put("initial_accumulator_value", v);
        }

        public Options eps(double v) {
            return put("eps", v);
        }

        public Options maximize(boolean v) {
            return put("maximize", v);
        }
    }

    public Adagrad(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public Adagrad(List<ParamGroup> groups, Options options) {
        super(groups, validate(options));
    }

    private static Map<String, Object> validate(Options o) {
        requireNonNegative("learning rate", o.number("lr"));
        requireNonNegative("lr_decay value", o.number("lr_decay"));
        requireNonNegative("weight_decay value", o.number("weight_decay"));
        requireNonNegative("initial_accumulator_value value", o.number("initial_accumulator_value"));
        requireNonNegative("epsilon value", o.number("eps"));
        return o.values();
    }

    @Override
    protected void onGroupAdded(ParamGroup group) {
        double initial = group.getDouble("initial_accumulator_value");
        for (Tensor p : group.params()) {
            Map<String, Object> s = state(p);
            s.put("step", newStepCounter());
            s.put("sum", Tensor.full(initial, p.dtype(), p.device(), p.shape()));
        }
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double step = increment((Tensor) state.get("step"));
        Tensor g = group.getBoolean("maximize") ? grad.neg() : grad;
        g = withWeightDecay(g, param, group.getDouble("weight_decay"));
        double clr = group.getDouble("lr") / (1 + (step - 1) * group.getDouble("lr_decay"));
        Tensor sum = (Tensor) state.get("sum");
        sum.addcmul_(g, g, 1.0);
        Tensor std = sum.sqrt().add_(group.getDouble("eps"));
        param.addcdiv_(g, std, -clr);
    }
}
