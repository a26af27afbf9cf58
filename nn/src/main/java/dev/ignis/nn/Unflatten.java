package dev.ignis.nn;

import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/** Expands dimension {@code dim} into {@code sizes} (torch.nn.Unflatten). */
public final class Unflatten extends Module {
    private final int dim;
    private final int[] sizes;

    public Unflatten(int dim, int... sizes) {
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        int d = Shape.normalizeDim("unflatten", dim, x.dim());
        int[] in = x.shape();
        int[] out = new int[in.length - 1 + sizes.length];
        System.arraycopy(in, 0, out, 0, d);
        System.arraycopy(sizes, 0, out, d, sizes.length);
        System.arraycopy(in, d + 1, out, d + sizes.length, in.length - d - 1);
        return x.reshape(out);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", unflattened_size=" + java.util.Arrays.toString(sizes).replace('[', '(').replace(']', ')');
    }
}
