package dev.ignis.nn;

/** The keyword arguments of {@link TransformerEncoderLayer} and {@link TransformerDecoderLayer}. */
public final class TransformerLayerOptions extends TransformerOptions<TransformerLayerOptions> {
}
