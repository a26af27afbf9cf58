package dev.ignis.nn;

/** Batch normalisation of [N, C] or [N, C, L] inputs (torch.nn.BatchNorm1d; eps 1e-5, momentum 0.1). */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    public BatchNorm1d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected int[] acceptedRanks() {
        return new int[] {2, 3};
    }
}
