package dev.ignis.nn;

import dev.ignis.tensor.Tensor;
import java.util.Iterator;
import java.util.List;

/** Holds modules by index so they are registered (torch.nn.ModuleList); it has no forward of its own. */
public final class ModuleList extends Module implements Iterable<Module> {
    public ModuleList(Module... modules) {
        for (Module m : modules) {
            append(m);
        }
    }

    public ModuleList append(Module m) {
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

    @Override
    public Iterator<Module> iterator() {
        return children().iterator();
    }

    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("ModuleList has no forward(); iterate over its modules instead");
    }
}
