package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradCheck;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one-node nll_loss (no class weights) against the composed form, which unit class weights
 * select; both must agree on loss and gradient, ignored targets included.
 */
class ClassNllTest {
    private static final Generator GEN = new Generator(11);
    private static final Tensor TARGET = Tensor.fromArray(new long[] {2, -100, 0, 4, 4, -100, 1}, 7);

    private static Tensor[] lossAndGrad(Tensor weight, Reduction reduction) {
        Tensor logits = Tensor.randn(new Generator(12), 7, 5).requiresGrad(true);
        Tensor loss = F.nllLoss(logits.logSoftmax(1), TARGET, weight, -100, reduction);
        loss.backward();
        return new Tensor[] {loss, logits.grad()};
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"MEAN", "SUM"})
    void matchesTheComposedFormWithIgnoredTargets(Reduction reduction) {
        Tensor[] fast = lossAndGrad(null, reduction);
        Tensor[] composed = lossAndGrad(Tensor.ones(5), reduction);
        assertEquals(composed[0].item(), fast[0].item(), 1e-6);
        assertArrayEquals(composed[1].toFloatArray(), fast[1].toFloatArray(), 1e-7f);
        assertEquals("NllLossBackward0", F.nllLoss(Tensor.randn(GEN, 7, 5).requiresGrad(true), TARGET, null, -100,
                reduction).gradFn().name());
    }

    @Test
    void itsGradientPassesGradcheck() {
        Tensor logp = Tensor.randn(GEN, 7, 5).to(DType.FLOAT64).requiresGrad(true);
        GradCheck.check(in -> F.nllLoss(in[0], TARGET, null, -100, Reduction.MEAN), logp);
        GradCheck.check(in -> F.nllLoss(in[0], TARGET, null, -100, Reduction.SUM), logp);
    }

    @Test
    void theMeanOverNoKeptTargetIsNaNAsInPyTorch() {
        Tensor all = Tensor.fromArray(new long[] {-100, -100}, 2);
        assertTrue(Double.isNaN(F.nllLoss(Tensor.randn(GEN, 2, 3), all, null, -100, Reduction.MEAN).item()));
        assertEquals(0.0, F.nllLoss(Tensor.randn(GEN, 2, 3), all, null, -100, Reduction.SUM).item());
    }
}
