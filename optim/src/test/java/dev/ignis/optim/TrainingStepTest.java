package dev.ignis.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.Profiler;
import dev.ignis.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingStepTest {

    /** loss = mean((x·w - t)²) for x [2, 2], w [2, 1]: one SGD step by hand. */
    @Test
    void oneStepIsZeroGradForwardLossBackwardAndUpdate() {
        Tensor w = Tensor.fromArray(new float[] {1, -1}, 2, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(w), new SGD.Options().lr(0.1));
        TrainingStep step = new TrainingStep(sgd, x -> x.matmul(w), (out, t) -> out.sub(t).pow(2).mean());
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor t = Tensor.fromArray(new float[] {0, 1}, 2, 1);
        // a stale gradient that zeroGrad must clear first
        x.matmul(w).sum().backward();

        TrainingStep.Result r = step.run(x, t);

        // out = [-1, -1], residual r = out - t = [-1, -2], loss = (1 + 4) / 2
        assertEquals(2.5, r.lossValue(), 1e-6);
        assertArrayEquals(new float[] {-1, -1}, r.output().toFloatArray());
        assertFalse(r.output().requiresGrad());
        // grad = x^T · (2 r / 2) = [1·-1 + 3·-2, 2·-1 + 4·-2] = [-7, -10]
        assertArrayEquals(new float[] {1 + 0.7f, -1 + 1.0f}, w.detach().toFloatArray(), 1e-6f);
    }

    @Test
    void countsCorrectClassPredictions() {
        Tensor scores = Tensor.fromArray(new float[] {0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.7f}, 3, 2);
        TrainingStep.Result r = new TrainingStep.Result(scores, Tensor.scalar(0.0, dev.ignis.tensor.DType.FLOAT32));
        assertEquals(2, r.correct(Tensor.fromArray(new long[] {1, 0, 0})));
    }

    @Test
    void refusesANonScalarLossAndTimesItsPartsUnderAProfiler() {
        Tensor w = Tensor.fromArray(new float[] {1}, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(w), new SGD.Options().lr(0.1));
        Tensor x = Tensor.fromArray(new float[] {1, 2}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingStep(sgd, v -> v.mul(w), (out, t) -> out.sub(t)).run(x, x));
        assertEquals("TrainingStep: the loss must be a scalar, got shape [2]", e.getMessage());
        try (Profiler prof = Profiler.start()) {
            new TrainingStep(sgd, v -> v.mul(w), (out, t) -> out.sub(t).pow(2).sum()).run(x, x);
            assertEquals(1, prof.calls("loss forward"));
            assertEquals(1, prof.calls("optimizer step"));
            assertTrue(prof.nanos("optimizer step") > 0);
        }
    }

    /**
     * A step's intermediates go back when it returns; its result, the parameters, the optimizer's
     * state and the gradients stay, until the next step releases those gradients.
     */
    @Test
    void aStepReleasesItsIntermediatesAndTheNextStepThePreviousGradients() {
        Tensor w = Tensor.fromArray(new float[] {1, -1}, 2, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(w), new SGD.Options().lr(0.1).momentum(0.9));
        Tensor[] hidden = new Tensor[1];
        TrainingStep step = new TrainingStep(sgd, x -> (hidden[0] = x.matmul(w)).mul(2),
                (out, t) -> out.sub(t).pow(2).mean());
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor t = Tensor.fromArray(new float[] {0, 1}, 2, 1);

        TrainingStep.Result first = step.run(x, t);
        assertTrue(hidden[0].storage().isReleased(), "an activation made inside the step");
        assertEquals(2, first.output().numel());
        first.lossValue();
        Tensor firstGrad = w.grad();
        assertFalse(firstGrad.storage().isReleased(), "the gradients stay readable after the step");
        Tensor momentum = (Tensor) sgd.stateOf(w).get("momentum_buffer");

        TrainingStep.Result second = step.run(x, t);
        assertTrue(firstGrad.storage().isReleased(), "the next step releases the previous gradients");
        assertFalse(w.grad().storage().isReleased());
        assertFalse(momentum.storage().isReleased(), "optimizer state lives on");
        assertFalse(x.storage().isReleased(), "the caller's batch is not the step's");
        assertFalse(first.output().storage().isReleased(), "the caller's result stays until the caller drops it");
        assertTrue(Double.isFinite(second.lossValue()));
    }
}
