package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** Runs its children in order, each on the previous one's output (torch.nn.Sequential); keys "0", "1", .... */
public final class Sequential extends Module {
    public Sequential(Module... modules) {
        for (int i = 0; i < modules.length; i++) {
            registerModule(Integer.toString(i), modules[i]);
        }
    }

    /** Appends a module under the next index; returns this. */
    public Sequential append(Module m) {
        registerModule(Integer.toString(children().size()), m);
        return this;
    }

    public Module get(int index) {
        List<Module> c = children();
        return c.get(index < 0 ? index + c.size() : index);
    }

    public int size() {
        return children().size();
    }

    /** None: a Sequential is rebuilt from its children, which {@link ModuleTree} describes in order. */
    @Override
    protected Map<String, Object> arguments() {
        return Map.of();
    }

    /** Each child on the previous one's output (fusing layers is {@link Fusion#fuse}'s, a pass over the model). */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : children()) {
            y = m.call(y);
        }
        return y;
    }
}
