package dev.ignis.data;

import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/** Samples are the index-th rows of equally long tensors (torch.utils.data.TensorDataset). */
public final class TensorDataset implements Dataset<Tensor[]> {
    private final Tensor[] tensors;

    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("TensorDataset needs at least one tensor");
        }
        for (Tensor t : tensors) {
            if (t.dim() == 0 || t.size(0) != tensors[0].size(0)) {
                throw new IllegalArgumentException("Size mismatch between tensors: " + Shape.format(tensors[0].shape())
                        + " and " + Shape.format(t.shape()));
            }
        }
        this.tensors = tensors.clone();
    }

    @Override
    public long size() {
        return tensors[0].size(0);
    }

    @Override
    public Tensor[] get(long index) {
        Tensor[] row = new Tensor[tensors.length];
        for (int i = 0; i < row.length; i++) {
            row[i] = tensors[i].select(0, Math.toIntExact(index));
        }
        return row;
    }
}
