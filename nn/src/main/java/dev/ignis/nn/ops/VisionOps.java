package dev.ignis.nn.ops;

import dev.ignis.ops.OpLibrary;
import dev.ignis.ops.OpRegistry;

/** The {@code ignis_vision} ops (found through META-INF/services/dev.ignis.ops.OpLibrary). */
public final class VisionOps implements OpLibrary {
    @Override
    public void registerOps(OpRegistry registry) {
        registry.register(DeformConv2dOp.forward());
        registry.register(DeformConv2dOp.backwardOp());
    }
}
