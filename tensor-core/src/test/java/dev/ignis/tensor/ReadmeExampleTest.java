package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradMode;
import org.junit.jupiter.api.Test;

/** docs/api.md's "Tensors and autograd in 20 lines", kept compiling and learning. */
class ReadmeExampleTest {

    @Test
    void readmeTrainingLoopReducesTheLoss() {
        Generator gen = new Generator(0);
        Tensor x = Tensor.randn(gen, 64, 10);
        Tensor y = Tensor.randint(0, 3, gen, 64);
        Tensor w = Tensor.randn(gen, 10, 3).mul(0.1).requiresGrad(true);
        Tensor b = Tensor.zeros(3).requiresGrad(true);

        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 100; step++) {
            Tensor logits = x.matmul(w).add(b);
            Tensor loss = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
            w.grad(null);
            b.grad(null);
            loss.backward();
            try (var ignored = GradMode.noGrad()) {
                w.add_(w.grad(), -0.1);
                b.add_(b.grad(), -0.1);
            }
            first = step == 0 ? loss.item() : first;
            last = loss.item();
        }
        assertTrue(last < 0.9 * first, "loss went from " + first + " to " + last);
        assertTrue(w.toString().endsWith("requires_grad=True)"));
    }
}
