package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.F;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.Reduction;
import dev.ignis.nn.Sequential;
import dev.ignis.nn.Tanh;
import dev.ignis.optim.Adam;
import dev.ignis.optim.Optimizer;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An optimizer's state as a vector and back. A replica kept from the previous round has its state
 * overwritten in its own tensors; that must train exactly as a fresh optimizer given the same
 * vector through its state dict.
 */
class OptimizerVectorTest {
    private static Module model() {
        return new Sequential(new Linear(4, 6, true, new Generator(1)), new Tanh(), new Linear(6, 2, true,
                new Generator(2)));
    }

    private static void step(Module model, Optimizer optimizer, Tensor x) {
        optimizer.zeroGrad();
        F.mseLoss(model.call(x), Tensor.zeros(x.size(0), 2), Reduction.MEAN).backward();
        optimizer.step();
    }

    private static List<Tensor> stateTensors(Optimizer optimizer) {
        List<Tensor> tensors = new ArrayList<>();
        optimizer.paramGroups().forEach(g -> g.params().forEach(p -> optimizer.stateOf(p).values()
                .forEach(v -> tensors.add((Tensor) v))));
        return tensors;
    }

    @Test
    void aKeptOptimizerTakesTheVectorInItsOwnTensorsAndStepsAsAFreshOne() {
        Tensor x = Tensor.randn(new Generator(5), 8, 4);
        // the vector to load: Adam's step counts and moments after three steps elsewhere
        Module other = model();
        Adam source = new Adam(other.parameters(), new Adam.Options().lr(0.01));
        for (int i = 0; i < 3; i++) {
            step(other, source, x);
        }
        OptimizerVector vector = OptimizerVector.of(source);
        assertEquals(3 * 4, vector.layout().size(), "step, exp_avg and exp_avg_sq of four parameters");

        Module keptModel = model();
        Adam kept = new Adam(keptModel.parameters(), new Adam.Options().lr(0.01));
        step(keptModel, kept, x.mul(2));   // a state of the same layout, other values
        List<Tensor> own = stateTensors(kept);
        vector.loadInto(kept);
        List<Tensor> after = stateTensors(kept);
        for (int i = 0; i < own.size(); i++) {
            assertSame(own.get(i), after.get(i), "state tensor " + i + " overwritten in place");
        }
        assertArrayEquals(vector.values(), OptimizerVector.of(kept).values());

        Module freshModel = model();
        Adam fresh = new Adam(freshModel.parameters(), new Adam.Options().lr(0.01));
        vector.loadInto(fresh);   // no state yet: through the state dict
        ModelVector.load(keptModel, ModelVector.weights(freshModel), ModelVector.counters(freshModel));
        step(keptModel, kept, x);
        step(freshModel, fresh, x);
        assertArrayEquals(ModelVector.weights(freshModel), ModelVector.weights(keptModel));
        assertArrayEquals(OptimizerVector.of(fresh).values(), OptimizerVector.of(kept).values());
    }

    @Test
    void aDifferentLayoutOrAnEmptyVectorReplacesTheStateWhole() {
        Tensor x = Tensor.randn(new Generator(6), 8, 4);
        Module model = model();
        Adam adam = new Adam(model.parameters(), new Adam.Options().amsgrad(true));
        step(model, adam, x);
        List<Tensor> before = stateTensors(adam);
        assertEquals(4 * 4, before.size(), "amsgrad adds max_exp_avg_sq");

        Module plainModel = model();
        Adam plain = new Adam(plainModel.parameters(), new Adam.Options());
        step(plainModel, plain, x);
        OptimizerVector vector = OptimizerVector.of(plain);
        vector.loadInto(adam);
        List<Tensor> after = stateTensors(adam);
        assertEquals(3 * 4, after.size(), "the amsgrad slots are gone, as loading a state dict drops them");
        after.forEach(t -> before.forEach(b -> assertNotSame(b, t)));
        assertArrayEquals(vector.values(), OptimizerVector.of(adam).values());

        OptimizerVector.EMPTY.loadInto(adam);
        assertTrue(stateTensors(adam).isEmpty(), "an empty vector clears the state");
    }
}
