package dev.ignis.nn;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.init.Init;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.Map;

/**
 * A lookup table (torch.nn.Embedding): int64 indices [*] → [*, dim]. Weight [num, dim] ~ N(0, 1);
 * the row at paddingIdx starts at zero and receives no gradient.
 */
public final class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final int paddingIdx;
    private final Tensor weight;

    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, -1, Generator.getDefault());
    }

    /** paddingIdx −1 means none; negative values count from the end otherwise, as PyTorch. */
    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, Generator gen) {
        if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
            throw new IllegalArgumentException("Padding_idx must be within num_embeddings");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx < -1 ? numEmbeddings + paddingIdx : paddingIdx;
        this.weight = registerParameter("weight", Init.normal_(Init.empty(numEmbeddings, embeddingDim), 0, 1, gen));
        if (this.paddingIdx >= 0) {
            try (var ignored = GradMode.noGrad()) {
                weight.select(0, this.paddingIdx).zero_();
            }
        }
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor indices) {
        if (indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException(describe() + ": expected int64 indices, got " + indices.dtype() + " "
                    + Shape.format(indices.shape()));
        }
        return F.embedding(indices, weight, paddingIdx);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }

    @Override
    protected Map<String, Object> arguments() {
        return Map.of("num_embeddings", numEmbeddings, "embedding_dim", embeddingDim, "padding_idx", paddingIdx);
    }
}
