package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.optim.Adam;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import dev.ignis.optim.SGD;
import dev.ignis.optim.lr.ChainedScheduler;
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
import dev.ignis.optim.lr.SequentialLR;
import dev.ignis.optim.lr.StepLR;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the scheduler cases of tests/fixtures/generate_optim_fixtures.py: the lr (and the
 * cycled momentum or beta1) of both param groups after each of 60 steps, within 1e-12 relative.
 * The optimizer is SGD(lr 0.1, momentum 0.9) with a second group at lr 0.05, as in the generator.
 */
class SchedulerParityTest {
    private static final double TOL = 1e-12;
    private static final JsonNode FIXTURES = Fixtures.load("optim.json");

    /** A scheduler under test: its step for iteration i (metric-driven for ReduceLROnPlateau). */
    private interface Stepper {
        void step(int i);
    }

    private static Optimizer sgd() {
        return new SGD(groups(), new SGD.Options().lr(0.1).momentum(0.9));
    }

    private static List<ParamGroup> groups() {
        return List.of(new ParamGroup(List.of(Tensor.zeros(3, 4).requiresGrad(true))),
                new ParamGroup(List.of(Tensor.zeros(4).requiresGrad(true)), Map.of("lr", 0.05)));
    }

    private static Stepper schedule(String name, Optimizer o, JsonNode metrics) {
        Function<LRScheduler, Stepper> each = s -> i -> s.step();
        return switch (name) {
            case "lambda" -> each.apply(new LambdaLR(o, e -> Math.pow(0.95, e)));
            case "multiplicative" -> each.apply(new MultiplicativeLR(o, e -> 0.9));
            case "step" -> each.apply(new StepLR(o, 7, new StepLR.Options().gamma(0.5)));
            case "multistep" -> each.apply(new MultiStepLR(o, new int[] {5, 20, 20, 40}, new MultiStepLR.Options().gamma(0.3)));
            case "constant" -> each.apply(new ConstantLR(o));
            case "constant_custom" -> each.apply(new ConstantLR(o, new ConstantLR.Options().factor(0.25).totalIters(10)));
            case "linear" -> each.apply(new LinearLR(o));
            case "linear_custom" -> each.apply(new LinearLR(o, new LinearLR.Options().startFactor(0.1).endFactor(0.8).totalIters(20)));
            case "exponential" -> each.apply(new ExponentialLR(o, 0.93));
            case "polynomial" -> each.apply(new PolynomialLR(o, new PolynomialLR.Options().totalIters(30).power(2.0)));
            case "cosine" -> each.apply(new CosineAnnealingLR(o, 15, new CosineAnnealingLR.Options().etaMin(0.001)));
            case "cosine_warm_restarts" -> each.apply(new CosineAnnealingWarmRestarts(o, 5, new CosineAnnealingWarmRestarts.Options().tMult(2).etaMin(0.001)));
            case "cosine_warm_restarts_tmult1" -> each.apply(new CosineAnnealingWarmRestarts(o, 7));
            case "onecycle_cos" -> each.apply(new OneCycleLR(o, new double[] {1.0, 0.5},
                    new OneCycleLR.Options().totalSteps(60)));
            case "onecycle_linear_three_phase" -> each.apply(new OneCycleLR(o, 0.8, new OneCycleLR.Options()
                    .epochs(6).stepsPerEpoch(10).annealStrategy("linear").threePhase(true).pctStart(0.25)));
            case "onecycle_adam_betas" -> each.apply(new OneCycleLR(o, 0.01, new OneCycleLR.Options().totalSteps(60)));
            case "cyclic_triangular" -> each.apply(new CyclicLR(o, 0.01, 0.1, new CyclicLR.Options().stepSizeUp(8)));
            case "cyclic_triangular2" -> each.apply(new CyclicLR(o, new double[] {0.01, 0.02}, new double[] {0.1},
                    new CyclicLR.Options().stepSizeUp(5).stepSizeDown(10).mode("triangular2")));
            case "cyclic_exp_range" -> each.apply(new CyclicLR(o, 0.01, 0.1, new CyclicLR.Options().stepSizeUp(6)
                    .mode("exp_range").gamma(0.97).cycleMomentum(false)));
            case "plateau" -> plateau(new ReduceLROnPlateau(o, new ReduceLROnPlateau.Options().patience(3).factor(0.5)),
                    metrics);
            case "plateau_max_abs_cooldown" -> plateau(new ReduceLROnPlateau(o, new ReduceLROnPlateau.Options()
                    .mode("max").thresholdMode("abs").threshold(0.01).patience(2).cooldown(3).minLr(0.01, 0.02)), metrics);
            case "sequential" -> each.apply(new SequentialLR(o, List.of(new ConstantLR(o, new ConstantLR.Options().factor(0.1).totalIters(2)),
                    new ExponentialLR(o, 0.9)), new int[] {5}));
            case "sequential_three" -> each.apply(new SequentialLR(o, List.of(new LinearLR(o, new LinearLR.Options().startFactor(0.2).totalIters(4)),
                    new StepLR(o, 3, new StepLR.Options().gamma(0.5)), new CosineAnnealingLR(o, 10)), new int[] {6, 20}));
            case "chained" -> each.apply(new ChainedScheduler(List.of(new ConstantLR(o, new ConstantLR.Options().factor(0.1).totalIters(4)),
                    new ExponentialLR(o, 0.9))));
            default -> throw new IllegalArgumentException("no Java scheduler for fixture " + name);
        };
    }

    private static Stepper plateau(ReduceLROnPlateau s, JsonNode metrics) {
        DoubleConsumer step = s::step;
        return i -> step.accept(metrics.get(i).asDouble());
    }

    private static double momentum(ParamGroup g) {
        return g.has("betas") ? g.getPair("betas")[0] : g.getDouble("momentum");
    }

    @TestFactory
    Stream<DynamicTest> learningRatesMatchPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : FIXTURES.get("schedulers")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Optimizer o = name.equals("onecycle_adam_betas")
                        ? new Adam(groups(), new Adam.Options().lr(0.001)) : sgd();
                Stepper s = schedule(name, o, c.get("metrics"));
                JsonNode lrs = c.get("lrs");
                JsonNode momenta = c.get("momenta");
                for (int i = 0; i < lrs.size(); i++) {
                    if (i > 0) {
                        o.step();
                        s.step(i - 1);
                    }
                    for (int g = 0; g < 2; g++) {
                        ParamGroup group = o.paramGroups().get(g);
                        double expected = lrs.get(i).get(g).asDouble();
                        assertEquals(expected, group.getDouble("lr"), TOL * Math.max(1e-3, Math.abs(expected)),
                                name + " lr of group " + g + " after step " + i);
                        double m = momenta.get(i).get(g).asDouble();
                        assertEquals(m, momentum(group), TOL * Math.max(1e-3, Math.abs(m)),
                                name + " momentum of group " + g + " after step " + i);
                    }
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void getLastLrReportsWhatWasSet() {
        Optimizer o = sgd();
        StepLR s = new StepLR(o, 2, new StepLR.Options().gamma(0.5));
        s.step();
        s.step();
        assertEquals(List.of(0.05, 0.025), s.getLastLr());
        assertEquals(0.1, o.paramGroups().get(0).getDouble("initial_lr"));
    }

    @Test
    void schedulerStateDictResumes() {
        Optimizer a = sgd();
        CosineAnnealingWarmRestarts sa = new CosineAnnealingWarmRestarts(a, 5, new CosineAnnealingWarmRestarts.Options().tMult(2).etaMin(0.001));
        for (int i = 0; i < 13; i++) {
            sa.step();
        }
        Optimizer b = sgd();
        CosineAnnealingWarmRestarts sb = new CosineAnnealingWarmRestarts(b, 5, new CosineAnnealingWarmRestarts.Options().tMult(2).etaMin(0.001));
        sb.loadStateDict(sa.stateDict());
        b.loadStateDict(a.stateDict());
        for (int i = 0; i < 20; i++) {
            sa.step();
            sb.step();
            assertEquals(sa.getLastLr(), sb.getLastLr());
        }
    }

    @Test
    void resumingNeedsInitialLr() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new StepLR(sgd(), 3, new StepLR.Options().lastEpoch(5)));
        assertTrue(e.getMessage().contains("param 'initial_lr' is not specified in param_groups[0]"));
    }

    @Test
    void oneCycleRefusesToStepPastTotalSteps() {
        OneCycleLR s = new OneCycleLR(sgd(), 1.0, new OneCycleLR.Options().totalSteps(3));
        s.step();
        s.step();
        s.step();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, s::step);
        assertEquals("Tried to step 5 times. The specified number of total steps is 3", e.getMessage());
    }
}
