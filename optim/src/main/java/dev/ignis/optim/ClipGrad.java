package dev.ignis.optim;

import dev.ignis.autograd.GradMode;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_). Modifies grads in place. */
public final class ClipGrad {
    private ClipGrad() {
    }

    /**
     * Scales all gradients by maxNorm/(total + 1e-6) when that factor is below 1, where total is
     * the p-norm of all gradients together (p = ∞: the largest |g|). Parameters without a
     * gradient are ignored.
     *
     * @return the total norm before clipping (0-dim)
     */
    public static Tensor clipGradNorm(Collection<Tensor> params, double maxNorm, double normType) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : params) {
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        if (grads.isEmpty()) {
            return Tensor.scalar(0.0, dev.ignis.tensor.DType.FLOAT32);
        }
        try (var ignored = GradMode.noGrad()) {
            Tensor total;
            if (normType == Double.POSITIVE_INFINITY) {
                List<Tensor> maxes = new ArrayList<>();
                for (Tensor g : grads) {
                    maxes.add(g.abs().max().reshape(1));
                }
                total = Tensor.cat(maxes, 0).max();
            } else {
                List<Tensor> norms = new ArrayList<>();
                for (Tensor g : grads) {
                    norms.add(g.norm(normType, null, false).reshape(1));
                }
                total = Tensor.cat(norms, 0).norm(normType, null, false);
            }
            // As PyTorch: coef = max_norm / (total + 1e-6) in float32 (the division being
            // reciprocal-then-multiply), clamped at 1; grads are scaled only when it is below 1.
            float denominator = (float) total.item() + 1e-6f;
            float coef = (1f / denominator) * (float) maxNorm;
            if (coef < 1f) {
                for (Tensor g : grads) {
                    g.mul_(coef);
                }
            }
            return total;
        }
    }

    public static Tensor clipGradNorm(Collection<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0);
    }

    /** Clamps every gradient element to [−clipValue, clipValue]. */
    public static void clipGradValue(Collection<Tensor> params, double clipValue) {
        try (var ignored = GradMode.noGrad()) {
            for (Tensor p : params) {
                if (p.grad() != null) {
                    p.grad().clamp_(-clipValue, clipValue);
                }
            }
        }
    }
}
