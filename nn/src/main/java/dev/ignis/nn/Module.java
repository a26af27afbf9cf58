package dev.ignis.nn;

import dev.ignis.autograd.GradMode;
import dev.ignis.autograd.Profiler;
import dev.ignis.autograd.RemovableHandle;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.MemoryScope;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Base class of all layers and models (torch.nn.Module). Parameters, buffers and child modules are
 * registered explicitly, in insertion order, and registration returns its argument:
 *
 * <pre>{@code
 * weight = registerParameter("weight", Tensor.zeros(out, in));
 * }</pre>
 *
 * State-dict keys follow PyTorch ({@code features.0.weight}, {@code bn.running_mean}): own
 * parameters, own persistent buffers, then children, depth first. {@link #call} runs the forward
 * pass with the registered hooks; subclasses implement {@link #forward}.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new java.util.HashSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardPreHook> preHooks = new ArrayList<>();
    private final List<ForwardHook> forwardHooks = new ArrayList<>();
    private final List<BackwardHook> backwardHooks = new ArrayList<>();
    private boolean training = true;
    private String path = "";

    /** Replaces the input before forward when it returns non-null. */
    @FunctionalInterface
    public interface ForwardPreHook {
        Tensor apply(Module module, Tensor input);
    }

    /** Replaces the output after forward when it returns non-null. */
    @FunctionalInterface
    public interface ForwardHook {
        Tensor apply(Module module, Tensor input, Tensor output);
    }

    /** Sees dL/d(input) and dL/d(output) in backward; replaces dL/d(input) when it returns non-null. */
    @FunctionalInterface
    public interface BackwardHook {
        Tensor apply(Module module, Tensor gradInput, Tensor gradOutput);
    }

    /** The computation of this module on one input. */
    public abstract Tensor forward(Tensor input);

    /** {@link #forward} with the pre-hooks, forward hooks and backward hooks applied (PyTorch's {@code __call__}). */
    public final Tensor call(Tensor input) {
        Tensor x = input;
        for (ForwardPreHook h : List.copyOf(preHooks)) {
            Tensor replaced = h.apply(this, x);
            x = replaced == null ? x : replaced;
        }
        Tensor[] gradOutput = new Tensor[1];
        boolean hookBackward = !backwardHooks.isEmpty() && GradMode.isEnabled() && x.requiresGrad();
        if (hookBackward) {
            // An identity view gives the input its own node, whose gradient is dL/d(input).
            x = x.view(x.shape());
            x.registerHook(gradIn -> {
                Tensor g = gradIn;
                for (BackwardHook h : List.copyOf(backwardHooks)) {
                    Tensor replaced = h.apply(this, g, gradOutput[0]);
                    g = replaced == null ? g : replaced;
                }
                return g;
            });
        }
        Profiler profiler = children.isEmpty() ? Profiler.active() : null;
        long started = profiler == null ? 0 : System.nanoTime();
        Tensor out = forward(x);
        if (profiler != null) {
            profiler.record(getClass().getSimpleName() + " forward", System.nanoTime() - started);
        }
        for (ForwardHook h : List.copyOf(forwardHooks)) {
            Tensor replaced = h.apply(this, x, out);
            out = replaced == null ? out : replaced;
        }
        if (hookBackward && out.requiresGrad()) {
            out = out.view(out.shape());
            out.registerHook(g -> {
                gradOutput[0] = g;
                return null;
            });
        }
        return out;
    }

    /** Whether any forward pre-hook, forward hook or backward hook is registered on this module. */
    final boolean hasHooks() {
        return !preHooks.isEmpty() || !forwardHooks.isEmpty() || !backwardHooks.isEmpty();
    }

    // ---------------------------------------------------------------- registration

    /** Registers {@code value} as a parameter (it becomes a leaf that requires grad); returns it. */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (value != null) {
            if (!value.isLeaf()) {
                throw new IllegalArgumentException("cannot assign a non-leaf tensor as parameter '" + name + "'");
            }
            value.requiresGrad(true);
        }
        parameters.put(name, value);
        return value;
    }

    /** Registers a buffer (state that is not trained, e.g. running statistics); returns it. */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkName(name);
        if (value != null) {
            // a module's state outlives the MemoryScope it was made in, as its parameters do
            MemoryScope.persist(value);
        }
        buffers.put(name, value);
        if (!persistent) {
            nonPersistent.add(name);
        }
        return value;
    }

    protected final Tensor registerBuffer(String name, Tensor value) {
        return registerBuffer(name, value, true);
    }

    /** Registers a child module under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        if (module != null) {
            ((Module) module).setPath(path.isEmpty() ? name : path + "." + name);
        }
        return module;
    }

    /** Puts {@code module} in place of the child registered as {@code name} (model passes such as {@link Fusion}). */
    final void replaceModule(String name, Module module) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("no child module '" + name + "' in " + getClass().getSimpleName());
        }
        children.put(name, module);
        module.setPath(path.isEmpty() ? name : path + "." + name);
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("attribute name can't be empty or contain \".\", got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists in " + getClass().getSimpleName());
        }
    }

    private void setPath(String p) {
        path = p;
        children.forEach((n, c) -> {
            if (c != null) {
                c.setPath(p + "." + n);
            }
        });
    }

    /** This module's dotted name inside the model it was registered in ("" for a root). */
    public final String path() {
        return path;
    }

    /** "layer 'features.0' (Conv2d)", for error messages. */
    protected final String describe() {
        return (path.isEmpty() ? "" : "layer '" + path + "' ") + "(" + getClass().getSimpleName() + ")";
    }

    // ---------------------------------------------------------------- traversal

    /** Parameters of this module and its descendants, each tensor once. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Dotted names to parameters, each tensor once (the first name it was reached by). */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            String prefix = m.getKey().isEmpty() ? "" : m.getKey() + ".";
            m.getValue().parameters.forEach((n, t) -> {
                if (t != null && seen.add(t)) {
                    out.put(prefix + n, t);
                }
            });
        }
        return out;
    }

    public final List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            String prefix = m.getKey().isEmpty() ? "" : m.getKey() + ".";
            m.getValue().buffers.forEach((n, t) -> {
                if (t != null) {
                    out.put(prefix + n, t);
                }
            });
        }
        return out;
    }

    /** Direct children in registration order. */
    public final List<Module> children() {
        List<Module> out = new ArrayList<>();
        children.values().forEach(c -> {
            if (c != null) {
                out.add(c);
            }
        });
        return out;
    }

    public final Map<String, Module> namedChildren() {
        Map<String, Module> out = new LinkedHashMap<>();
        children.forEach((n, c) -> {
            if (c != null) {
                out.put(n, c);
            }
        });
        return out;
    }

    /** This module ("") and every descendant, pre-order, each once. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collect("", this, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void collect(String prefix, Module m, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(m)) {
            return;
        }
        out.put(prefix, m);
        m.children.forEach((n, c) -> {
            if (c != null) {
                collect(prefix.isEmpty() ? n : prefix + "." + n, c, out, seen);
            }
        });
    }

    // ---------------------------------------------------------------- state dicts

    /**
     * Parameters and persistent buffers by PyTorch's keys, in PyTorch's order. The tensors share
     * storage with the module (detached).
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        addState("", out);
        return out;
    }

    private void addState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, t) -> {
            if (t != null) {
                out.put(prefix + n, t.detach());
            }
        });
        buffers.forEach((n, t) -> {
            if (t != null && !nonPersistent.contains(n)) {
                out.put(prefix + n, t.detach());
            }
        });
        children.forEach((n, c) -> {
            if (c != null) {
                c.addState(prefix + n + ".", out);
            }
        });
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict} true, PyTorch's default. */
    public final LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies matching entries into this module's parameters and buffers (in place, without
     * recording). A shape mismatch is always an error naming the key and both shapes; with
     * {@code strict}, missing or unexpected keys are an error listing them all.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = new LinkedHashMap<>();
        addState("", own);
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                mismatched.add("size mismatch for " + e.getKey() + ": copying a param with shape "
                        + Shape.format(given.shape()) + " from checkpoint, the shape in current model is "
                        + Shape.format(e.getValue().shape()) + ".");
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) {
                unexpected.add(k);
            }
        }
        List<String> errors = new ArrayList<>(mismatched);
        if (strict && !unexpected.isEmpty()) {
            errors.add(0, "Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
        }
        if (strict && !missing.isEmpty()) {
            errors.add(0, "Missing key(s) in state_dict: " + quoted(missing) + ".");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName() + ":\n\t"
                    + String.join("\n\t", errors));
        }
        try (var ignored = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor given = state.get(e.getKey());
                if (given != null) {
                    e.getValue().copy_(given);
                }
            }
        }
        return new LoadResult(missing, unexpected);
    }

    private static String quoted(List<String> keys) {
        List<String> q = new ArrayList<>();
        keys.forEach(k -> q.add("\"" + k + "\""));
        return String.join(", ", q);
    }

    // ---------------------------------------------------------------- modes, devices, gradients

    /** Sets training mode on this module and every descendant; returns this. */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    public final Module train() {
        return train(true);
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Sets requires_grad on every parameter; returns this. */
    public final Module requiresGrad(boolean requires) {
        for (Tensor p : parameters()) {
            p.requiresGrad(requires);
        }
        return this;
    }

    /** Clears every parameter's gradient (set to null, PyTorch 2.x default). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.grad(null);
        }
    }

    /** Calls {@code fn} on every descendant and then this module (post-order); returns this. */
    public final Module apply(Consumer<Module> fn) {
        for (Module c : children()) {
            c.apply(fn);
        }
        fn.accept(this);
        return this;
    }

    /** Moves every parameter and buffer to {@code device}, in place; returns this. */
    public final Module to(Device device) {
        return convert(t -> t.to(device), false);
    }

    /** Converts floating parameters and buffers to {@code dtype} (integer buffers keep theirs); returns this. */
    public final Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("nn.Module.to only accepts floating point dtypes, but got desired dtype="
                    + dtype);
        }
        return convert(t -> t.to(dtype), true);
    }

    private Module convert(java.util.function.UnaryOperator<Tensor> fn, boolean floatingOnly) {
        for (Module m : namedModules().values()) {
            for (Map<String, Tensor> map : List.of(m.parameters, m.buffers)) {
                for (Tensor t : map.values()) {
                    if (t != null && (!floatingOnly || t.dtype().isFloatingPoint())) {
                        Tensor converted = fn.apply(t.detach());
                        if (t.grad() != null) {
                            t.grad(null);
                        }
                        t.setData(converted.detach());
                    }
                }
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- hooks

    public final RemovableHandle registerForwardPreHook(ForwardPreHook hook) {
        preHooks.add(hook);
        return () -> preHooks.remove(hook);
    }

    public final RemovableHandle registerForwardHook(ForwardHook hook) {
        forwardHooks.add(hook);
        return () -> forwardHooks.remove(hook);
    }

    public final RemovableHandle registerFullBackwardHook(BackwardHook hook) {
        backwardHooks.add(hook);
        return () -> backwardHooks.remove(hook);
    }

    // ---------------------------------------------------------------- printing

    /** The arguments shown inside this module's parentheses, e.g. "in_features=2, out_features=3, bias=True". */
    protected String extraRepr() {
        return "";
    }

    /**
     * The constructor arguments that rebuild this module, by PyTorch's argument names (Linear:
     * in_features, out_features, bias), for {@link ModuleTree}; null (the default) for a module
     * described by its class alone, which {@link ModuleTree} rebuilds through its public no-arg
     * constructor. Values are numbers, booleans, strings, int arrays or null.
     */
    protected Map<String, Object> arguments() {
        return null;
    }

    /** PyTorch's nested repr: {@code Name(extra)} or one line per child, indented. */
    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        if (children.isEmpty()) {
            return name + "(" + extraRepr() + ")";
        }
        StringBuilder sb = new StringBuilder(name).append("(");
        String extra = extraRepr();
        if (!extra.isEmpty()) {
            sb.append("\n  ").append(extra.replace("\n", "\n  "));
        }
        children.forEach((n, c) -> sb.append("\n  (").append(n).append("): ")
                .append(String.valueOf(c).replace("\n", "\n  ")));
        return sb.append("\n)").toString();
    }

    /** A table of every leaf layer's output shape and parameter count for an input of {@code inputShape}. */
    public final String summary(int... inputShape) {
        List<String[]> rows = new ArrayList<>();
        List<RemovableHandle> handles = new ArrayList<>();
        for (Map.Entry<String, Module> e : namedModules().entrySet()) {
            Module m = e.getValue();
            if (!m.children.isEmpty()) {
                continue;
            }
            handles.add(m.registerForwardHook((mod, in, out) -> {
                long count = 0;
                for (Tensor p : mod.parameters.values()) {
                    count += p == null ? 0 : p.numel();
                }
                rows.add(new String[] {e.getKey() + " (" + mod.getClass().getSimpleName() + ")",
                    Shape.format(out.shape()), String.format("%,d", count)});
                return null;
            }));
        }
        boolean wasTraining = training;
        try (var ignored = GradMode.noGrad()) {
            eval();
            call(Tensor.zeros(inputShape));
        } finally {
            train(wasTraining);
            handles.forEach(RemovableHandle::remove);
        }
        long total = 0;
        long trainable = 0;
        for (Tensor p : parameters()) {
            total += p.numel();
            trainable += p.requiresGrad() ? p.numel() : 0;
        }
        int w0 = "Layer".length();
        int w1 = "Output shape".length();
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
        }
        String fmt = "%-" + w0 + "s  %-" + w1 + "s  %12s%n";
        StringBuilder sb = new StringBuilder(String.format(fmt, "Layer", "Output shape", "Params"));
        sb.append("-".repeat(w0 + w1 + 16)).append('\n');
        for (String[] r : rows) {
            sb.append(String.format(fmt, r[0], r[1], r[2]));
        }
        sb.append("-".repeat(w0 + w1 + 16)).append('\n');
        sb.append(String.format("Total params: %,d (trainable %,d)%n", total, trainable));
        return sb.toString();
    }
}
