package dev.ignis.autograd;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.util.function.Function;

/**
 * Compares autograd's gradients with central finite differences, as torch.autograd.gradcheck:
 * for every output element i and input element k, the analytic J[i][k] (one backward pass per
 * output element) must satisfy |analytic − numeric| ≤ atol + rtol·|numeric|, where numeric =
 * (f(x + eps) − f(x − eps)) / 2eps. Inputs must be float64 leaves that require grad; they are
 * perturbed in place and restored.
 */
public final class GradCheck {
    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-3;

    private GradCheck() {
    }

    /** Thrown with the input, element and both derivatives when they disagree. */
    public static final class GradCheckFailure extends AssertionError {
        public GradCheckFailure(String message) {
            super(message);
        }
    }

    /**
     * @throws GradCheckFailure when any Jacobian entry differs
     */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (int j = 0; j < inputs.length; j++) {
            Tensor x = inputs[j];
            if (x.dtype() != DType.FLOAT64 || !x.isLeaf() || !x.requiresGrad() || !x.isContiguous()) {
                throw new IllegalArgumentException("gradcheck: input " + j + " must be a contiguous float64 leaf with"
                        + " requiresGrad, got " + x.dtype() + (x.requiresGrad() ? "" : " without requiresGrad"));
            }
        }
        Tensor y0;
        try (var ignored = GradMode.noGrad()) {
            y0 = f.apply(inputs);
        }
        int outputs = y0.numel();
        double[][][] analytic = new double[inputs.length][outputs][];
        for (int i = 0; i < outputs; i++) {
            for (Tensor x : inputs) {
                x.grad(null);
            }
            Tensor y = f.apply(inputs);
            if (!y.requiresGrad()) {
                throw new GradCheckFailure("gradcheck: the output does not require grad (no op was recorded)");
            }
            double[] seed = new double[outputs];
            seed[i] = 1.0;
            y.backward(Tensor.fromArray(seed).reshape(y.shape()).to(y.dtype()), false);
            for (int j = 0; j < inputs.length; j++) {
                Tensor g = inputs[j].grad();
                analytic[j][i] = g == null ? new double[inputs[j].numel()] : g.toDoubleArray();
            }
        }
        for (int j = 0; j < inputs.length; j++) {
            Tensor flat = inputs[j].detach().reshape(-1);
            for (int k = 0; k < flat.numel(); k++) {
                double original = flat.get(k);
                double[] plus;
                double[] minus;
                try (var ignored = GradMode.noGrad()) {
                    flat.select(0, k).fill_(original + EPS);
                    plus = f.apply(inputs).toDoubleArray();
                    flat.select(0, k).fill_(original - EPS);
                    minus = f.apply(inputs).toDoubleArray();
                    flat.select(0, k).fill_(original);
                }
                for (int i = 0; i < outputs; i++) {
                    double numeric = (plus[i] - minus[i]) / (2 * EPS);
                    double a = analytic[j][i][k];
                    if (!(Math.abs(a - numeric) <= ATOL + RTOL * Math.abs(numeric))) {
                        throw new GradCheckFailure("gradcheck: Jacobian mismatch for output " + i + " with respect to input "
                                + j + ", element " + k + ": numerical " + numeric + ", analytical " + a);
                    }
                }
            }
        }
        for (Tensor x : inputs) {
            x.grad(null);
        }
    }
}
