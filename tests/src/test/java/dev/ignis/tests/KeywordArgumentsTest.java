package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ignis.optim.Adadelta;
import dev.ignis.optim.Adagrad;
import dev.ignis.optim.Adam;
import dev.ignis.optim.AdamW;
import dev.ignis.optim.Adamax;
import dev.ignis.optim.LBFGS;
import dev.ignis.optim.NAdam;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.RAdam;
import dev.ignis.optim.RMSprop;
import dev.ignis.optim.SGD;
import dev.ignis.optim.lr.ConstantLR;
import dev.ignis.optim.lr.CosineAnnealingLR;
import dev.ignis.optim.lr.CosineAnnealingWarmRestarts;
import dev.ignis.optim.lr.CyclicLR;
import dev.ignis.optim.lr.ExponentialLR;
import dev.ignis.optim.lr.LRScheduler;
import dev.ignis.optim.lr.LambdaLR;
import dev.ignis.optim.lr.LinearLR;
import dev.ignis.optim.lr.MultiStepLR;
import dev.ignis.optim.lr.MultiplicativeLR;
import dev.ignis.optim.lr.OneCycleLR;
import dev.ignis.optim.lr.PolynomialLR;
import dev.ignis.optim.lr.ReduceLROnPlateau;
import dev.ignis.optim.lr.StepLR;
import dev.ignis.swa.SWALR;
import dev.ignis.tensor.Tensor;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's keyword arguments in Ignis' spelling: for every optimizer and scheduler constructor
 * with optional arguments, the PyTorch line (comment) beside its Ignis one-liner, and a check that
 * the keyword took effect (the rest kept PyTorch's defaults).
 */
class KeywordArgumentsTest {
    private static List<Tensor> params() {
        return List.of(Tensor.zeros(2).requiresGrad(true));
    }

    private static double lr(Optimizer o) {
        return o.paramGroups().get(0).lr();
    }

    /** The lr after {@code steps} scheduler steps. */
    private static double lrAfter(LRScheduler s, Optimizer o, int steps) {
        for (int i = 0; i < steps; i++) {
            o.step();
            s.step();
        }
        return lr(o);
    }

    @Test
    void optimizers() {
        // torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)
        Optimizer sgd = new SGD(params(), new SGD.Options().lr(0.1).momentum(0.9).nesterov(true));
        assertEquals(0.9, sgd.paramGroups().get(0).momentum());
        assertEquals(0.0, sgd.paramGroups().get(0).get("dampening"));
        // torch.optim.Adam(p, lr=1e-3, betas=(0.8, 0.99), amsgrad=True)
        Optimizer adam = new Adam(params(), new Adam.Options().betas(0.8, 0.99).amsgrad(true));
        assertArrayEquals(new double[] {0.8, 0.99}, adam.paramGroups().get(0).betas());
        // torch.optim.AdamW(p, lr=3e-4)           -- weight_decay keeps AdamW's own default, 1e-2
        Optimizer adamW = new AdamW(params(), new AdamW.Options().lr(3e-4));
        assertEquals(1e-2, adamW.paramGroups().get(0).weightDecay());
        // torch.optim.Adadelta(p, rho=0.95)
        assertEquals(0.95, new Adadelta(params(), new Adadelta.Options().rho(0.95)).paramGroups().get(0).get("rho"));
        // torch.optim.Adagrad(p, lr_decay=0.01)
        assertEquals(0.01, new Adagrad(params(), new Adagrad.Options().lrDecay(0.01)).paramGroups().get(0)
                .get("lr_decay"));
        // torch.optim.Adamax(p, lr=0.002, weight_decay=0.1)
        assertEquals(0.1, new Adamax(params(), new Adamax.Options().lr(0.002).weightDecay(0.1)).paramGroups().get(0)
                .weightDecay());
        // torch.optim.NAdam(p, momentum_decay=0.005)
        assertEquals(0.005, new NAdam(params(), new NAdam.Options().momentumDecay(0.005)).paramGroups().get(0)
                .get("momentum_decay"));
        // torch.optim.RAdam(p, eps=1e-6)
        assertEquals(1e-6, new RAdam(params(), new RAdam.Options().eps(1e-6)).paramGroups().get(0).get("eps"));
        // torch.optim.RMSprop(p, lr=0.01, alpha=0.9, centered=True)
        assertEquals(true, new RMSprop(params(), new RMSprop.Options().lr(0.01).alpha(0.9).centered(true))
                .paramGroups().get(0).get("centered"));
        // torch.optim.LBFGS(p, history_size=10, line_search_fn="strong_wolfe")
        assertEquals("strong_wolfe", new LBFGS(params(), new LBFGS.Options().historySize(10)
                .lineSearchFn("strong_wolfe")).paramGroups().get(0).get("line_search_fn"));
    }

    @Test
    void addParamGroupWithOptionsOverridesOnlyWhatItSets() {
        Optimizer sgd = new SGD(params(), new SGD.Options().lr(0.1).momentum(0.9));
        // sgd.add_param_group({"params": head, "lr": 0.01})   -- momentum comes from the optimizer: 0.9
        sgd.addParamGroup(params(), new SGD.Options().lr(0.01));
        assertEquals(0.01, sgd.paramGroups().get(1).lr());
        assertEquals(0.9, sgd.paramGroups().get(1).momentum());
    }

    @Test
    void schedulers() {
        Optimizer o = new SGD(params(), new SGD.Options().lr(1.0));
        // StepLR(opt, 7, gamma=0.6)
        assertEquals(0.6, lrAfter(new StepLR(o, 7, new StepLR.Options().gamma(0.6)), o, 7), 1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // MultiStepLR(opt, milestones=[2, 4], gamma=0.5)
        assertEquals(0.25, lrAfter(new MultiStepLR(o, new int[] {2, 4}, new MultiStepLR.Options().gamma(0.5)), o, 4),
                1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // ConstantLR(opt, factor=0.5, total_iters=2)
        assertEquals(0.5, lr(new ConstantLR(o, new ConstantLR.Options().factor(0.5).totalIters(2)).optimizer()));
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // LinearLR(opt, start_factor=0.1, total_iters=8)
        assertEquals(0.1, lr(new LinearLR(o, new LinearLR.Options().startFactor(0.1).totalIters(8)).optimizer()),
                1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // ExponentialLR(opt, gamma=0.9)
        assertEquals(0.81, lrAfter(new ExponentialLR(o, 0.9), o, 2), 1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // PolynomialLR(opt, total_iters=4, power=2.0)
        assertEquals(0.5625, lrAfter(new PolynomialLR(o, new PolynomialLR.Options().totalIters(4).power(2.0)), o, 1),
                1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // CosineAnnealingLR(opt, T_max=10, eta_min=0.1)
        assertEquals(0.1, lrAfter(new CosineAnnealingLR(o, 10, new CosineAnnealingLR.Options().etaMin(0.1)), o, 10),
                1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2)
        assertEquals(1.0, lrAfter(new CosineAnnealingWarmRestarts(o, 5, new CosineAnnealingWarmRestarts.Options()
                .tMult(2)), o, 5), 1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0).momentum(0.9));
        // OneCycleLR(opt, max_lr=1.0, epochs=2, steps_per_epoch=5)
        assertEquals(0.04, lr(new OneCycleLR(o, 1.0, new OneCycleLR.Options().epochs(2).stepsPerEpoch(5))
                .optimizer()), 1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0).momentum(0.9));
        // CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=4)
        assertEquals(0.325, lrAfter(new CyclicLR(o, 0.1, 1.0, new CyclicLR.Options().stepSizeUp(4)), o, 1), 1e-12);
        Optimizer plateau = new SGD(params(), new SGD.Options().lr(1.0));
        // ReduceLROnPlateau(opt, factor=0.5, patience=0)
        ReduceLROnPlateau r = new ReduceLROnPlateau(plateau, new ReduceLROnPlateau.Options().factor(0.5).patience(0));
        r.step(1.0);
        r.step(1.0);
        assertEquals(0.5, lr(plateau));
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // LambdaLR(opt, lr_lambda=lambda e: 0.5 ** e)
        assertEquals(0.25, lrAfter(new LambdaLR(o, e -> Math.pow(0.5, e)), o, 2), 1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // MultiplicativeLR(opt, lr_lambda=[lambda e: 0.9], last_epoch=-1)
        List<IntToDoubleFunction> factors = List.of(e -> 0.9);
        assertEquals(0.81, lrAfter(new MultiplicativeLR(o, factors, new MultiplicativeLR.Options().lastEpoch(-1)), o, 2),
                1e-12);
        o = new SGD(params(), new SGD.Options().lr(1.0));
        // SWALR(opt, swa_lr=0.01, anneal_epochs=3, anneal_strategy="linear")
        assertEquals(0.01, lrAfter(new SWALR(o, 0.01, new SWALR.Options().annealEpochs(3).annealStrategy("linear")), o,
                3), 1e-12);
    }
}
