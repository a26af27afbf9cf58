package dev.ignis.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Layer fusion as an explicit model pass, as {@code torch.ao.quantization.fuse_modules}: the
 * model's modules stay what the user built until they ask for fusion, and what was fused shows in
 * the model ({@code toString}, {@code namedModules}).
 */
public final class Fusion {
    private Fusion() {
    }

    /**
     * Replaces, in place, each BatchNorm2d → ReLU → MaxPool2d run of consecutive children of a
     * {@link Sequential} anywhere in {@code model} by a {@link BatchNormReluMaxPool2d} at the batch
     * norm's index and {@link Identity} at the other two (so indices, and the state-dict keys, stay
     * as they were). Runs with a hook on any of the three layers are left alone: the hook must see
     * its layer's own tensors. Returns {@code model}.
     */
    public static <M extends Module> M fuse(M model) {
        for (Module m : new ArrayList<>(model.namedModules().values())) {
            if (m instanceof Sequential seq) {
                fuseChildren(seq);
            }
        }
        return model;
    }

    private static void fuseChildren(Sequential seq) {
        List<String> names = new ArrayList<>(seq.namedChildren().keySet());
        List<Module> modules = seq.children();
        for (int i = 0; i + 2 < modules.size(); i++) {
            if (modules.get(i) instanceof BatchNorm2d norm && modules.get(i + 1) instanceof ReLU relu
                    && modules.get(i + 2) instanceof MaxPool2d pool
                    && !norm.hasHooks() && !relu.hasHooks() && !pool.hasHooks()) {
                seq.replaceModule(names.get(i), new BatchNormReluMaxPool2d(norm, pool));
                seq.replaceModule(names.get(i + 1), new Identity());
                seq.replaceModule(names.get(i + 2), new Identity());
                i += 2;
            }
        }
    }
}
