package dev.ignis.backend;

/** The error function, accurate to double precision (GELU needs a smooth, exact erf). */
final class Erf {
    private Erf() {
    }

    /**
     * erf(x) = 2/√π · e^(−x²) · Σ_{n≥0} (2x²)^n · x / (1·3·…·(2n+1)). Every term is positive, so
     * the sum keeps full relative precision; |x| ≥ 6 rounds to ±1 in double.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Math.abs(x) >= 6.0) {
            return Math.signum(x);
        }
        double twoX2 = 2.0 * x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 500; n++) {
            term *= twoX2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 2.0 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }
}
