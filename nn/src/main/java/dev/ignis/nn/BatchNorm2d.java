package dev.ignis.nn;

/** Batch normalisation of [N, C, H, W] inputs (torch.nn.BatchNorm2d; eps 1e-5, momentum 0.1). */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    public BatchNorm2d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected int[] acceptedRanks() {
        return new int[] {4};
    }
}
