package dev.ignis.optim;

import dev.ignis.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * RMSprop (Hinton), torch.optim.RMSprop: g ← ±g + wd·θ; v ← αv + (1−α)g²; centered:
 * ḡ ← αḡ + (1−α)g and avg = √(v − ḡ²) + eps, else avg = √v + eps; with momentum μ:
 * b ← μb + g/avg, θ ← θ − lr·b; else θ ← θ − lr·g/avg. State: {@code step} (an integer),
 * {@code square_avg}, {@code momentum_buffer}, {@code grad_avg}.
 */
public final class RMSprop extends Optimizer {

    /** RMSprop's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends OptimizerOptions<Options> {
        public Options() {
            putDefault("lr", 1e-2);
            putDefault("momentum", 0.0);
            putDefault("alpha", 0.99);
            putDefault("eps", 1e-8);
            putDefault("centered", false);
            putDefault("weight_decay", 0.0);
            putDefault("maximize", false);
        }

        public Options momentum(double v) {
            return put("momentum", v);
        }

        public Options alpha(double v) {
            return put("alpha", v);
        }

        public Options eps(double v) {
            return put("eps", v);
        }

        public Options centered(boolean v) {
            return put("centered", v);
        }

        public Options weightDecay(double v) {
            return put("weight_decay", v);
        }

        public Options maximize(boolean v) {
            return put("maximize", v);
        }
    }

    public RMSprop(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public RMSprop(List<ParamGroup> groups, Options options) {
        super(groups, validate(options));
    }

    private static Map<String, Object> validate(Options o) {
        requireNonNegative("learning rate", o.number("lr"));
        requireNonNegative("epsilon value", o.number("eps"));
        requireNonNegative("momentum value", o.number("momentum"));
        requireNonNegative("weight_decay value", o.number("weight_decay"));
        requireNonNegative("alpha value", o.number("alpha"));
        return o.values();
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double momentum = group.getDouble("momentum");
        boolean centered = group.getBoolean("centered");
        double alpha = group.getDouble("alpha");
        if (state.isEmpty()) {
            state.put("step", 0L);
            state.put("square_avg", Tensor.zerosLike(param));
            if (momentum > 0) {
                state.put("momentum_buffer", Tensor.zerosLike(param));
            }
            if (centered) {
                state.put("grad_avg", Tensor.zerosLike(param));
            }
        }
        state.put("step", (Long) state.get("step") + 1);
        Tensor g = group.getBoolean("maximize") ? grad.neg() : grad;
        g = withWeightDecay(g, param, group.getDouble("weight_decay"));
        Tensor squareAvg = (Tensor) state.get("square_avg");
        squareAvg.mul_(alpha).addcmul_(g, g, 1 - alpha);
        Tensor avg;
        if (centered) {
            Tensor gradAvg = (Tensor) state.get("grad_avg");
            gradAvg.mul_(alpha).add_(g, 1 - alpha);
            avg = squareAvg.clone().addcmul_(gradAvg, gradAvg, -1).sqrt_();
        } else {
            avg = squareAvg.sqrt();
        }
        avg.add_(group.getDouble("eps"));
        double lr = group.getDouble("lr");
        if (momentum > 0) {
            Tensor buf = (Tensor) state.get("momentum_buffer");
            buf.mul_(momentum).addcdiv_(g, avg, 1.0);
            param.add_(buf, -lr);
        } else {
            param.addcdiv_(g, avg, -lr);
        }
    }
}
