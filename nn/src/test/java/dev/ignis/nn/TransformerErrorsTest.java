package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Transformer family's construction and its errors, which name the shapes as PyTorch's do. */
class TransformerErrorsTest {

    private static void assertMessage(Runnable r, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void embedDimMustBeDivisibleByHeads() {
        assertMessage(() -> new MultiheadAttention(10, 3), "divisible", "embed_dim=10", "num_heads=3");
    }

    @Test
    void attentionNamesWrongFeatureAndMaskShapes() {
        MultiheadAttention mha = new MultiheadAttention(8, 2);
        Tensor x = Tensor.zeros(4, 3, 8);
        assertMessage(() -> mha.forward(Tensor.zeros(4, 3, 6), Tensor.zeros(4, 3, 6), Tensor.zeros(4, 3, 6)),
                "expecting embedding dimension of 8", "[4, 3, 6]");
        assertMessage(() -> mha.forward(x, x, x, null, false, Tensor.zeros(4, 5), true, false),
                "2D attn_mask is [4, 5]", "[4, 4]");
        assertMessage(() -> mha.forward(x, x, x, null, false, Tensor.zeros(3, 4, 4), true, false),
                "3D attn_mask is [3, 4, 4]", "[6, 4, 4]");
        assertMessage(() -> mha.forward(x, x, x, Tensor.zeros(3, 5).gt(0.0), false, null, true, false),
                "key_padding_mask", "[3, 4]", "[3, 5]");
        assertMessage(() -> mha.forward(x, Tensor.zeros(5, 3, 8), Tensor.zeros(6, 3, 8)),
                "key shape [5, 3, 8] does not match value shape [6, 3, 8]");
    }

    @Test
    void transformerChecksBatchAndFeatureSizes() {
        Transformer t = new Transformer(new Transformer.Options().dModel(8).nhead(2).numEncoderLayers(1)
                .numDecoderLayers(1).dimFeedforward(16).generator(new Generator(1)));
        assertMessage(() -> t.forward(Tensor.zeros(5, 2, 8), Tensor.zeros(4, 3, 8)),
                "batch number of src and tgt must be equal", "[5, 2, 8]", "[4, 3, 8]");
        assertMessage(() -> t.forward(Tensor.zeros(5, 2, 8), Tensor.zeros(4, 2, 6)),
                "feature number of src and tgt must be equal to d_model (8)", "[4, 2, 6]");
        assertArrayEquals(new int[] {4, 2, 8}, t.forward(Tensor.zeros(5, 2, 8), Tensor.zeros(4, 2, 8)).shape());
    }

    @Test
    void stacksHoldIndependentCopiesStartingEqual() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2,
                new TransformerLayerOptions().dimFeedforward(16).generator(new Generator(2)));
        TransformerEncoder enc = new TransformerEncoder(layer, 2);
        Tensor w0 = enc.layer(0).selfAttn().stateDict().get("in_proj_weight");
        Tensor w1 = enc.layer(1).selfAttn().stateDict().get("in_proj_weight");
        assertArrayEquals(w0.toFloatArray(), w1.toFloatArray());
        assertNotSame(w0, w1);
        w0.detach().mul_(2.0);
        assertTrue(w0.toFloatArray()[0] != w1.toFloatArray()[0] || w1.toFloatArray()[0] == 0);
        assertTrue(enc.stateDict().containsKey("layers.1.linear2.bias"));
    }

    @Test
    void squareSubsequentMaskIsZeroOnAndBelowTheDiagonal() {
        float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0, inf, inf, 0, 0, inf, 0, 0, 0},
                Transformer.generateSquareSubsequentMask(3).toFloatArray());
    }

    @Test
    void decodersSayTheyNeedTheMemory() {
        var e = assertThrows(UnsupportedOperationException.class,
                () -> new TransformerDecoderLayer(8, 2).forward(Tensor.zeros(2, 1, 8)));
        assertTrue(e.getMessage().contains("forward(tgt, memory)"));
    }
}
