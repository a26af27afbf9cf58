package dev.ignis.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerTest {

    private static Tensor param(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).requiresGrad(true);
    }

    @Test
    void constructionChecksTheParameters() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.<Tensor>of(), new SGD.Options()));
        assertEquals("optimizer got an empty parameter list", empty.getMessage());
        Tensor w = param(1, 2);
        IllegalArgumentException nonLeaf = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(w.mul(2.0)), new SGD.Options()));
        assertEquals("can't optimize a non-leaf Tensor", nonLeaf.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(new ParamGroup(List.of(w)), new ParamGroup(List.of(w))), new SGD.Options()));
        assertEquals("some parameters appear in more than one parameter group", twice.getMessage());
    }

    /**
     * AdamW takes only its own options, whose weight_decay defaults to 1e-2 as PyTorch's: passing
     * Adam's (whose default is 0) no longer compiles, and the chained setters keep AdamW's type.
     */
    @Test
    void adamWHasItsOwnOptionsAndDefaults() {
        Tensor w = param(1, 2);
        AdamW.Options options = new AdamW.Options().lr(0.01).amsgrad(true);
        AdamW opt = new AdamW(List.of(w), options);
        assertEquals(0.01, opt.paramGroups().get(0).getDouble("weight_decay"));
        assertEquals(0.01, opt.paramGroups().get(0).getDouble("lr"));
        assertEquals(0.0, new Adam(List.of(param(2, 2)), new Adam.Options()).paramGroups().get(0)
                .getDouble("weight_decay"));
        ParamGroup group = opt.paramGroups().get(0);
        assertEquals(0.01, group.lr());
        assertEquals(0.01, group.weightDecay());
        assertArrayEquals(new double[] {0.9, 0.999}, group.betas());
        assertThrows(IllegalArgumentException.class, group::momentum, "AdamW has no momentum");
    }

    @Test
    void invalidHyperparametersFailLikePyTorch() {
        Tensor w = param(1, 2);
        assertEquals("Invalid learning rate: -0.1", assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(w), new SGD.Options().lr(-0.1))).getMessage());
        assertEquals("Nesterov momentum requires a momentum and zero dampening", assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(w), new SGD.Options().nesterov(true))).getMessage());
        assertEquals("Invalid beta parameter at index 1: 1.0", assertThrows(IllegalArgumentException.class,
                () -> new Adam(List.of(w), new Adam.Options().betas(0.9, 1.0))).getMessage());
        assertEquals("Invalid epsilon value: -1.0E-8", assertThrows(IllegalArgumentException.class,
                () -> new RMSprop(List.of(w), new RMSprop.Options().eps(-1e-8))).getMessage());
        assertEquals("Invalid rho value: 1.5", assertThrows(IllegalArgumentException.class,
                () -> new Adadelta(List.of(w), new Adadelta.Options().rho(1.5))).getMessage());
        assertEquals("Invalid momentum_decay value: -1.0", assertThrows(IllegalArgumentException.class,
                () -> new NAdam(List.of(w), new NAdam.Options().momentumDecay(-1))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new LBFGS(List.of(new ParamGroup(List.of(w)), new ParamGroup(List.of(param(2, 2)))),
                        new LBFGS.Options()));
    }

    @Test
    void groupsGetMissingDefaultsAndKeepTheirOwn() {
        Tensor a = param(1, 2);
        Tensor b = param(2, 2);
        SGD sgd = new SGD(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b), Map.of("lr", 0.5))),
                new SGD.Options().lr(0.1).momentum(0.9));
        assertEquals(0.1, sgd.paramGroups().get(0).getDouble("lr"));
        assertEquals(0.5, sgd.paramGroups().get(1).getDouble("lr"));
        assertEquals(0.9, sgd.paramGroups().get(1).getDouble("momentum"));
        assertEquals(new AdamW.Options().values().get("weight_decay"), 1e-2, "AdamW's own default");
        sgd.paramGroups().get(1).set("lr", 0.25);
        assertEquals(0.25, sgd.paramGroups().get(1).getDouble("lr"));
    }

    @Test
    void stepRunsTheClosureWithGradAndSkipsParamsWithoutGrad() {
        Tensor w = param(1, 3);
        Tensor unused = param(2, 3);
        float[] before = unused.toFloatArray();
        Adam adam = new Adam(List.of(w, unused), new Adam.Options().lr(0.1));
        Tensor loss = adam.step(() -> {
            adam.zeroGrad();
            Tensor l = w.mul(w).sum();
            l.backward();
            return l;
        });
        assertTrue(loss.item() > 0);
        assertArrayEquals(before, unused.toFloatArray());
        assertTrue(adam.stateOf(unused).isEmpty());
        assertEquals(1.0, ((Tensor) adam.stateOf(w).get("step")).item());
    }

    @Test
    void zeroGradSetsToNoneOrZero() {
        Tensor w = param(1, 3);
        SGD sgd = new SGD(List.of(w), new SGD.Options());
        w.mul(2.0).sum().backward();
        sgd.zeroGrad(false);
        assertArrayEquals(new float[3], w.grad().toFloatArray());
        sgd.zeroGrad();
        assertNull(w.grad());
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD", (Function<List<Tensor>, Optimizer>) p -> new SGD(p,
                        new SGD.Options().lr(0.05).momentum(0.9).nesterov(true))),
                Arguments.of("Adam", (Function<List<Tensor>, Optimizer>) p -> new Adam(p,
                        new Adam.Options().lr(0.01).amsgrad(true))),
                Arguments.of("AdamW", (Function<List<Tensor>, Optimizer>) p -> new AdamW(p, new AdamW.Options().lr(0.01))),
                Arguments.of("Adagrad", (Function<List<Tensor>, Optimizer>) p -> new Adagrad(p,
                        new Adagrad.Options().lrDecay(0.01))),
                Arguments.of("RMSprop", (Function<List<Tensor>, Optimizer>) p -> new RMSprop(p,
                        new RMSprop.Options().momentum(0.5).centered(true))),
                Arguments.of("Adadelta", (Function<List<Tensor>, Optimizer>) p -> new Adadelta(p, new Adadelta.Options())),
                Arguments.of("Adamax", (Function<List<Tensor>, Optimizer>) p -> new Adamax(p, new Adamax.Options())),
                Arguments.of("NAdam", (Function<List<Tensor>, Optimizer>) p -> new NAdam(p, new NAdam.Options())),
                Arguments.of("RAdam", (Function<List<Tensor>, Optimizer>) p -> new RAdam(p, new RAdam.Options())),
                Arguments.of("LBFGS", (Function<List<Tensor>, Optimizer>) p -> new LBFGS(p,
                        new LBFGS.Options().lr(0.5).maxIter(3).historySize(4))));
    }

    /** 20 steps of a small regression; the optimizer may be swapped for another after {@code switchAt} steps. */
    private static float[] train(Function<List<Tensor>, Optimizer> make, int steps, int resumeAt) {
        Generator g = new Generator(7);
        Tensor x = Tensor.randn(g, 6, 3);
        Tensor y = Tensor.randn(g, 6, 2);
        Tensor w = Tensor.randn(g, 3, 2).requiresGrad(true);
        Tensor b = Tensor.zeros(2).requiresGrad(true);
        Optimizer opt = make.apply(List.of(w, b));
        for (int i = 0; i < steps; i++) {
            if (i == resumeAt) {
                OptimizerState saved = opt.stateDict();
                opt = make.apply(List.of(w, b));
                opt.loadStateDict(saved);
            }
            Optimizer current = opt;
            current.step(() -> {
                current.zeroGrad();
                Tensor loss = x.matmul(w).add(b).sub(y).pow(2).mean();
                loss.backward();
                return loss;
            });
        }
        float[] out = new float[8];
        System.arraycopy(w.toFloatArray(), 0, out, 0, 6);
        System.arraycopy(b.toFloatArray(), 0, out, 6, 2);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void stateDictRoundTripContinuesExactly(String name, Function<List<Tensor>, Optimizer> make) {
        assertArrayEquals(train(make, 20, -1), train(make, 20, 10), name + ": resumed at step 10");
    }

    @Test
    void stateDictUsesPyTorchLayoutAndCopiesTensors() {
        Tensor a = param(1, 2);
        Tensor b = param(2, 3);
        SGD sgd = new SGD(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b), Map.of("lr", 0.5))),
                new SGD.Options().momentum(0.9));
        a.sum().backward();
        b.sum().backward();
        sgd.step();
        OptimizerState s = sgd.stateDict();
        assertEquals(List.of(0), s.paramGroups().get(0).get("params"));
        assertEquals(List.of(1), s.paramGroups().get(1).get("params"));
        assertEquals(0.5, s.paramGroups().get(1).get("lr"));
        Tensor buf = (Tensor) s.state().get(1).get("momentum_buffer");
        sgd.step();
        assertArrayEquals(new float[] {1, 1, 1}, buf.toFloatArray(), "saved tensors are copies");
    }

    @Test
    void loadStateDictChecksGroupSizes() {
        Tensor a = param(1, 2);
        Tensor b = param(2, 3);
        OptimizerState two = new SGD(List.of(a, b), new SGD.Options()).stateDict();
        SGD one = new SGD(List.of(param(3, 2)), new SGD.Options());
        assertEquals("loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
                assertThrows(IllegalArgumentException.class, () -> one.loadStateDict(two)).getMessage());
        SGD groups = new SGD(List.of(new ParamGroup(List.of(param(4, 2))), new ParamGroup(List.of(param(5, 2)))),
                new SGD.Options());
        assertEquals("loaded state dict has a different number of parameter groups",
                assertThrows(IllegalArgumentException.class, () -> groups.loadStateDict(two)).getMessage());
    }

    @Test
    void clipGradNormScalesAllGradientsTogether() {
        Tensor a = param(1, 2);
        Tensor b = param(2, 2);
        a.grad(Tensor.of(3f, 0f));
        b.grad(Tensor.of(0f, 4f));
        Tensor total = ClipGrad.clipGradNorm(List.of(a, b), 1.0);
        assertEquals(5.0, total.item(), 1e-6);
        assertEquals(0.6, a.grad().get(0), 1e-6);
        assertEquals(0.8, b.grad().get(1), 1e-6);
        assertEquals(1.0, ClipGrad.clipGradNorm(List.of(a, b), 10.0).item(), 1e-5, "no scaling below the limit");
        assertEquals(0.6, a.grad().get(0), 1e-6);
        assertEquals(0.8, ClipGrad.clipGradNorm(List.of(a, b), 1.0, Double.POSITIVE_INFINITY).item(), 1e-6);
        ClipGrad.clipGradValue(List.of(a, b), 0.7);
        assertArrayEquals(new float[] {0, 0.7f}, b.grad().toFloatArray());
    }

    @Test
    void lbfgsNeedsAClosure() {
        LBFGS lbfgs = new LBFGS(List.of(param(1, 2)), new LBFGS.Options());
        assertThrows(IllegalArgumentException.class, lbfgs::step);
        assertSame(20, lbfgs.paramGroups().get(0).get("max_iter"));
        assertEquals(25, lbfgs.paramGroups().get(0).get("max_eval"));
    }
}
