package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ignis.nn.BatchNorm1d;
import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.ParamGroup;
import dev.ignis.optim.SGD;
import dev.ignis.swa.AveragedModel;
import dev.ignis.swa.AveragingFunction;
import dev.ignis.swa.BatchNormUpdate;
import dev.ignis.swa.SWALR;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** AveragedModel, SWALR and updateBn against torch.optim.swa_utils (tests/fixtures/generate_swa_fixtures.py). */
class SwaParityTest {
    private static final JsonNode FIXTURE = Fixtures.load("swa.json");

    private static Sequential mlp() {
        return new Sequential(new Linear(4, 5), new BatchNorm1d(5), new ReLU(), new Linear(5, 3));
    }

    private static Map<String, Tensor> state(JsonNode node) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            s.put(e.getKey(), Fixtures.tensor(e.getValue()));
        }
        return s;
    }

    private static void assertStateEquals(JsonNode expected, Map<String, Tensor> actual) {
        Map<String, Tensor> want = state(expected);
        assertEquals(List.copyOf(want.keySet()), List.copyOf(actual.keySet()), "state-dict keys and order");
        want.forEach((key, w) -> {
            double[] e = w.toDoubleArray();
            double[] a = actual.get(key).toDoubleArray();
            assertEquals(e.length, a.length, key);
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-5 + 1e-5 * Math.abs(e[i]), key + "[" + i + "]");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> averagedModelMatchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        double decay = FIXTURE.get("ema_decay").asDouble();
        for (JsonNode c : FIXTURE.get("averaged")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                Sequential model = mlp();
                AveragingFunction fn = c.get("name").asText().equals("ema") ? AveragingFunction.ema(decay)
                        : AveragingFunction.swa();
                AveragedModel<Sequential> swa = new AveragedModel<>(model, SwaParityTest::mlp, fn,
                        c.get("use_buffers").asBoolean());
                for (JsonNode snapshot : c.get("model_states")) {
                    model.loadStateDict(state(snapshot), true);
                    swa.updateParameters(model);
                }
                assertStateEquals(c.get("averaged"), swa.stateDict());
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> swalrMatchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : FIXTURE.get("swalr")) {
            double[] swaLrs = new double[c.get("swa_lr").size()];
            for (int i = 0; i < swaLrs.length; i++) {
                swaLrs[i] = c.get("swa_lr").get(i).asDouble();
            }
            String name = c.get("strategy").asText() + " anneal_epochs=" + c.get("anneal_epochs").asInt() + " swa_lr="
                    + java.util.Arrays.toString(swaLrs);
            tests.add(DynamicTest.dynamicTest(name, () -> {
                SGD opt = new SGD(List.of(new ParamGroup(List.of(Tensor.zeros(2).requiresGrad(true))),
                        new ParamGroup(List.of(Tensor.zeros(3).requiresGrad(true)), Map.of("lr", 0.05))),
                        new SGD.Options().lr(0.1));
                SWALR sched = new SWALR(opt, swaLrs, new SWALR.Options().annealEpochs(c.get("anneal_epochs").asInt())
                        .annealStrategy(c.get("strategy").asText()));
                JsonNode lrs = c.get("lrs");
                for (int step = 0; step < lrs.size(); step++) {
                    if (step > 0) {
                        opt.step();
                        sched.step();
                    }
                    for (int g = 0; g < 2; g++) {
                        assertEquals(lrs.get(step).get(g).asDouble(), sched.getLastLr().get(g), 1e-12,
                                "step " + step + " group " + g);
                    }
                }
                assertEquals(swaLrs.length == 1 ? swaLrs[0] : swaLrs[1],
                        opt.paramGroups().get(1).getDouble("swa_lr"), "swa_lr is set in the groups");
            }));
        }
        return tests.stream();
    }

    @Test
    void updateBnMatchesPyTorch() {
        JsonNode c = FIXTURE.get("update_bn");
        Sequential net = new Sequential(new Conv2d(2, 3, 3), new BatchNorm2d(3, 1e-5, 0.2, true, true), new ReLU(),
                new Flatten(), new Linear(3 * 4 * 4, 4), new BatchNorm1d(4));
        net.loadStateDict(state(c.get("state_before")), true);
        net.eval();
        List<Object[]> batches = new ArrayList<>();
        for (JsonNode x : c.get("batches")) {
            batches.add(new Object[] {Fixtures.tensor(x), Tensor.zeros(x.get("shape").get(0).asInt())});
        }
        BatchNormUpdate.updateBn(batches, net);
        assertStateEquals(c.get("state_after"), net.stateDict());
        assertFalse(net.isTraining(), "training mode restored");
        assertEquals(0.2, ((BatchNorm2d) net.get(1)).momentum(), "momentum restored");
        assertEquals(0.1, ((BatchNorm1d) net.get(5)).momentum(), "momentum restored");
    }

    @Test
    void averagedModelForwardRunsTheAverage() {
        Sequential model = mlp();
        AveragedModel<Sequential> swa = new AveragedModel<>(model, SwaParityTest::mlp);
        swa.updateParameters(model);
        model.eval();
        swa.eval();
        Tensor x = Tensor.randn(new dev.ignis.tensor.Generator(3), 3, 4);
        double[] a = model.call(x).toDoubleArray();
        double[] b = swa.call(x).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6, "after one update the average is the model");
        }
        assertEquals(1, swa.nAveraged());
        Module copy = swa.module();
        assertFalse(copy == model, "the average is a copy");
    }
}
