package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/** lr = initial_lr · λ(epoch), one λ per group or one for all (torch LambdaLR). */
public final class LambdaLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    /** LambdaLR's optional argument, by name: {@code lastEpoch} only. */
    public static final class Options extends SchedulerOptions<Options> {
    }

    /** One function for every param group. */
    public LambdaLR(Optimizer optimizer, IntToDoubleFunction lambda) {
        this(optimizer, List.of(lambda), new Options());
    }

    /** One function per param group (or one for all), with the keyword arguments in {@code options}. */
    public LambdaLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas, Options options) {
        super(optimizer, options.lastEpoch());
        this.lambdas = Lambdas.perGroup(optimizer, lambdas, "lr_lambdas");
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i) * lambdas.get(i).applyAsDouble(lastEpoch);
        }
        return lrs;
    }
}
