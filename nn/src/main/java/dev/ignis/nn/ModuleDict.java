package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Map;

/** Holds modules by name so they are registered (torch.nn.ModuleDict); it has no forward of its own. */
public final class ModuleDict extends Module {
    public ModuleDict(Map<String, Module> modules) {
        modules.forEach(this::put);
    }

    public ModuleDict() {
    }

    public ModuleDict put(String name, Module m) {
        registerModule(name, m);
        return this;
    }

    public Module get(String name) {
        Module m = namedChildren().get(name);
        if (m == null) {
            throw new IllegalArgumentException("ModuleDict has no key '" + name + "'; keys: " + namedChildren().keySet());
        }
        return m;
    }

    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("ModuleDict has no forward(); call its modules by key instead");
    }
}
