package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum (torch.optim.SGD):
 * g ← ±g + wd·θ; with μ ≠ 0: b ← g on the first step, else b ← μb + (1−τ)g, and g ← g + μb
 * (Nesterov) or b; θ ← θ − lr·g. State: {@code momentum_buffer}.
 * The default lr is PyTorch 2.x's 1e-3 (1.13 required it).
 */
public final class SGD extends Optimizer {

    /** SGD's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends OptimizerOptions<Options> {
        public Options() {
            putDefault("lr", 1e-3);
            putDefault("momentum", 0.0);
            putDefault("dampening", 0.0);
            putDefault("weight_decay", 0.0);
            putDefault("nesterov", false);
            putDefault("maximize", false);
        }

        public Options momentum(double v) {
            return put("momentum", v);
        }

        public Options dampening(double v) {
            return put("dampening", v);
        }

        public Options weightDecay(double v) {
            return put("weight_decay", v);
        }

        public Options nesterov(boolean v) {
            return put("nesterov", v);
        }

        public Options maximize(boolean v) {
            return put("maximize", v);
        }
    }

    public SGD(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public SGD(List<ParamGroup> groups, Options options) {
        super(groups, validate(options));
    }

    private static Map<String, Object> validate(Options o) {
        requireNonNegative("learning rate", o.number("lr"));
        requireNonNegative("momentum value", o.number("momentum"));
        requireNonNegative("weight_decay value", o.number("weight_decay"));
        if ((Boolean) o.values().get("nesterov") && (o.number("momentum") <= 0 || o.number("dampening") != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
        return o.values();
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double lr = group.getDouble("lr");
        double momentum = group.getDouble("momentum");
        Tensor d = withWeightDecay(group.getBoolean("maximize") ? grad.neg() : grad, param,
                group.getDouble("weight_decay"));
        if (momentum != 0) {
            Tensor buf = (Tensor) state.get("momentum_buffer");
            if (buf == null) {
                buf = d.clone();
                state.put("momentum_buffer", buf);
            } else {
                buf.mulAdd_(momentum, d, 1 - group.getDouble("dampening"));
            }
            d = group.getBoolean("nesterov") ? d.clone().add_(buf, momentum) : buf;
        }
        param.add_(d, -lr);
    }
}
