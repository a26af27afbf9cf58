package dev.ignis.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toFloatArray());
        x.mul(3.0).sum().backward();
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toFloatArray());
    }

    @Test
    void sharedSubexpressionsSumTheirGradients() {
        Tensor x = Tensor.of(2f).requiresGrad(true);
        Tensor y = x.mul(x);          // used twice below: dy/dx = 2x
        y.add(y.mul(y)).sum().backward(); // d/dx (x² + x⁴) = 2x + 4x³ = 4 + 32
        assertEquals(36f, x.grad().toFloatArray()[0], 1e-5);
    }

    @Test
    void backwardWithAnExplicitGradient() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(3.0);
        y.backward(Tensor.of(10f, 100f), false);
        assertArrayEquals(new float[] {30, 300}, x.grad().toFloatArray());
    }

    @Test
    void secondBackwardWithoutRetainGraphFails() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor loss = x.mul(x).sum();
        loss.backward(Tensor.full(1.0), true);
        loss.backward(Tensor.full(1.0), true);
        assertArrayEquals(new float[] {4, 8}, x.grad().toFloatArray());
    }

    @Test
    void inPlaceChangeOfASavedTensorIsDetected() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.exp();            // saves its output
        Tensor z = y.sum();
        try (var ignored = GradMode.noGrad()) {
            y.mul_(2.0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, z::backward);
        assertEquals("one of the variables needed for gradient computation has been modified by an inplace operation:"
                + " [torch.FloatTensor [2]], which is output 0 of ExpBackward0, is at version 1; expected version 0"
                + " instead.", e.getMessage());
    }

    @Test
    void noGradScopeRecordsNothingAndRestoresTheMode() {
        Tensor x = Tensor.of(1f).requiresGrad(true);
        Tensor y;
        try (var ignored = GradMode.noGrad()) {
            y = x.mul(2.0);
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertEquals("MulBackward0", x.mul(2.0).gradFn().name());
    }

    @Test
    void detachSharesDataButNotTheGraph() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(2.0);
        Tensor d = y.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.storage() == y.storage());
        x.mul(d).sum().backward();
        assertArrayEquals(new float[] {2, 4}, x.grad().toFloatArray());
    }

    @Test
    void leafInPlaceWhileRecordingIsRefused() {
        Tensor w = Tensor.of(1f).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add_(Tensor.of(1f)));
        assertTrue(e.getMessage().contains("a leaf Variable that requires grad is being used in an in-place operation"));
        try (var ignored = GradMode.noGrad()) {
            w.add_(Tensor.of(1f));
        }
        assertEquals(2.0, w.item());
    }

    @Test
    void backwardNeedsAScalarOrAGradient() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2.0).backward());
        assertTrue(e.getMessage().startsWith("grad can be implicitly created only for scalar outputs"));
        assertThrows(IllegalStateException.class, () -> Tensor.of(1f).backward(),
                "a tensor that does not require grad cannot start backward");
    }

    @Test
    void integerTensorsCannotRequireGrad() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).requiresGrad(true));
    }

    @Test
    void retainGradKeepsANonLeafGradient() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(3.0).retainGrad();
        y.sum().backward();
        assertArrayEquals(new float[] {1, 1}, y.grad().toFloatArray());
        assertArrayEquals(new float[] {3, 3}, x.grad().toFloatArray());
    }

    @Test
    void leavesNeverShareGradientStorage() {
        Tensor a = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor b = Tensor.of(3f, 4f).requiresGrad(true);
        Tensor g = Tensor.of(1f, 1f);
        a.add(b).backward(g, false);          // AddBackward passes the same tensor to both inputs
        try (var ignored = GradMode.noGrad()) {
            a.grad().mul_(5.0);
        }
        assertArrayEquals(new float[] {1, 1}, b.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 1}, g.toFloatArray(), "the caller's gradient is not adopted either");
        Tensor c = Tensor.of(1f, 2f, 3f, 4f).requiresGrad(true);
        Tensor d = Tensor.of(5f, 6f).requiresGrad(true);
        Tensor.cat(java.util.List.of(c, d), 0).mul(2.0).sum().backward();  // both grads are slices of one tensor
        try (var ignored = GradMode.noGrad()) {
            c.grad().zero_();
        }
        assertArrayEquals(new float[] {2, 2}, d.grad().toFloatArray());
    }

    @Test
    void branchesThatDoNotNeedGradAreNotVisited() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor c = Tensor.of(5f, 6f);
        x.mul(c).add(c.exp()).sum().backward();
        assertArrayEquals(new float[] {5, 6}, x.grad().toFloatArray());
        assertNull(c.grad());
    }
}
