package dev.ignis.optim.lr;

import dev.ignis.optim.Optimizer;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/** lr ← lr · λ(epoch) for epoch > 0 (torch MultiplicativeLR). */
public final class MultiplicativeLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    /** MultiplicativeLR's optional argument, by name: {@code lastEpoch} only. */
    public static final class Options extends SchedulerOptions<Options> {
    }

    /** One function for every param group. */
    public MultiplicativeLR(Optimizer optimizer, IntToDoubleFunction lambda) {
        this(optimizer, List.of(lambda), new Options());
    }

    /** One function per param group (or one for all), with the keyword arguments in {@code options}. */
    public MultiplicativeLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas, Options options) {
        super(optimizer, options.lastEpoch());
        this.lambdas = Lambdas.perGroup(optimizer, lambdas, "lr_lambdas");
        initialStep();
    }

    @Override
    protected double[] getLr() {
        double[] lrs = new double[groupCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = lastEpoch > 0 ? lr(i) * lambdas.get(i).applyAsDouble(lastEpoch) : lr(i);
        }
        return lrs;
    }
}
