package dev.ignis.optim;

import dev.ignis.autograd.GradMode;
import dev.ignis.tensor.MemoryScope;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Base of all optimizers (torch.optim.Optimizer): owns the param groups, the per-parameter state,
 * {@link #zeroGrad}, and state dicts in PyTorch's layout. A subclass supplies only its update rule
 * ({@link #update}); the base runs it without recording, for every parameter that has a gradient.
 * Parameters without a gradient are skipped: no state is created and their step does not advance.
 */
public abstract class Optimizer {
    private final Map<String, Object> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Tensor, Map<String, Object>> state = new IdentityHashMap<>();

    protected Optimizer(List<ParamGroup> paramGroups, Map<String, Object> defaults) {
        this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        if (paramGroups.isEmpty()) {
            throw new IllegalArgumentException("optimizer got an empty parameter list");
        }
        for (ParamGroup g : paramGroups) {
            addParamGroup(g);
        }
    }

    /** One group holding {@code params}. */
    protected static List<ParamGroup> single(List<Tensor> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("optimizer got an empty parameter list");
        }
        return List.of(new ParamGroup(params));
    }

    /** The constructor arguments, by PyTorch's names. */
    public Map<String, Object> defaults() {
        return defaults;
    }

    public List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * PyTorch's {@code add_param_group({"params": params, **kwargs})} in the optimizer's own
     * spelling: the hyperparameters set on {@code options} hold for this group, every other one is
     * the optimizer's default (what it was constructed with), e.g.
     * {@code opt.addParamGroup(head.parameters(), new SGD.Options().lr(0.01))}.
     */
    public void addParamGroup(List<Tensor> params, OptimizerOptions<?> options) {
        addParamGroup(new ParamGroup(params, options.explicitValues()));
    }

    /**
     * Adds a group: its missing hyperparameters come from the defaults. Fails when the group is
     * empty, holds a non-leaf tensor, or shares a parameter with another group.
     */
    public void addParamGroup(ParamGroup group) {
        if (group.params().isEmpty()) {
            throw new IllegalArgumentException("optimizer got an empty parameter list");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : groups) {
            seen.addAll(g.params());
        }
        for (Tensor p : group.params()) {
            if (!p.isLeaf()) {
                throw new IllegalArgumentException("can't optimize a non-leaf Tensor");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException("some parameters appear in more than one parameter group");
            }
        }
        for (Map.Entry<String, Object> d : defaults.entrySet()) {
            if (d.getValue() == null && !group.has(d.getKey()) && d.getKey().equals("lr")) {
                throw new IllegalArgumentException("parameter group didn't specify a value of required optimization"
                        + " parameter lr");
            }
            group.setDefault(d.getKey(), d.getValue());
        }
        groups.add(group);
        onGroupAdded(group);
        for (Tensor p : group.params()) {
            Map<String, Object> created = state.get(p);
            if (created != null) {
                persist(created);
            }
        }
    }

    /** Hook for optimizers that create state when a group is added (Adagrad). */
    protected void onGroupAdded(ParamGroup group) {
    }

    /** The mutable state of {@code param}, created empty on first use. */
    protected final Map<String, Object> state(Tensor param) {
        return state.computeIfAbsent(param, k -> new LinkedHashMap<>());
    }

    /** The state of {@code param} (read-only), empty if it was never updated. */
    public Map<String, Object> stateOf(Tensor param) {
        Map<String, Object> s = state.get(param);
        return s == null ? Map.of() : Collections.unmodifiableMap(s);
    }

    /** One update of every parameter that has a gradient. */
    public Tensor step() {
        return step(null);
    }

    /**
     * Re-evaluates the model through {@code closure} (with recording on) when given, then updates
     * the parameters; returns the closure's loss, or null.
     */
    public Tensor step(Supplier<Tensor> closure) {
        Tensor loss = null;
        if (closure != null) {
            try (var ignored = GradMode.enableGrad()) {
                loss = closure.get();
            }
        }
        try (var ignored = GradMode.noGrad()) {
            for (ParamGroup group : groups) {
                for (Tensor p : group.params()) {
                    if (p.grad() != null) {
                        Map<String, Object> s = state(p);
                        update(group, p, p.grad(), s);
                        persist(s);
                    }
                }
            }
        }
        return loss;
    }

    /**
     * Applies this optimizer's rule to one parameter in place. Runs with recording disabled.
     *
     * @param grad  dL/dp (same shape as p); never null
     * @param state this parameter's state, empty on its first update
     */
    protected abstract void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state);

    /** Clears gradients: sets them to null (PyTorch 2.x's default; 1.13's {@code zero_grad()} filled zeros). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /** Clears gradients: to null when {@code setToNone}, else fills them with zeros. */
    public void zeroGrad(boolean setToNone) {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                if (p.grad() != null) {
                    if (setToNone) {
                        p.grad(null);
                    } else {
                        p.grad().zero_();
                    }
                }
            }
        }
    }

    /** A copy of the state in PyTorch's layout (tensors are cloned). */
    public OptimizerState stateDict() {
        Map<Integer, Map<String, Object>> packed = new TreeMap<>();
        List<Map<String, Object>> packedGroups = new ArrayList<>();
        int index = 0;
        for (ParamGroup g : groups) {
            Map<String, Object> packedGroup = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : g.options().entrySet()) {
                packedGroup.put(e.getKey(), copy(e.getValue()));
            }
            List<Integer> ids = new ArrayList<>();
            for (Tensor p : g.params()) {
                Map<String, Object> s = state.get(p);
                if (s != null) {
                    Map<String, Object> copied = new LinkedHashMap<>();
                    s.forEach((k, v) -> copied.put(k, copy(v)));
                    packed.put(index, copied);
                }
                ids.add(index++);
            }
            packedGroup.put("params", ids);
            packedGroups.add(packedGroup);
        }
        return new OptimizerState(packed, packedGroups);
    }

    /**
     * Restores a state dict: per-parameter state by index (floating tensors cast to the
     * parameter's dtype and device, except {@code step}), and each group's hyperparameters.
     *
     * @throws IllegalArgumentException when the number of groups or a group's size differs
     */
    public void loadStateDict(OptimizerState saved) {
        List<Map<String, Object>> savedGroups = saved.paramGroups();
        if (savedGroups.size() != groups.size()) {
            throw new IllegalArgumentException("loaded state dict has a different number of parameter groups");
        }
        List<Tensor> byIndex = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Object ids = savedGroups.get(i).get("params");
            if (!(ids instanceof List<?> list) || list.size() != groups.get(i).params().size()) {
                throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the"
                        + " size of optimizer's group");
            }
        }
        for (int i = 0; i < groups.size(); i++) {
            List<?> ids = (List<?>) savedGroups.get(i).get("params");
            for (int k = 0; k < ids.size(); k++) {
                int id = ((Number) ids.get(k)).intValue();
                while (byIndex.size() <= id) {
                    byIndex.add(null);
                }
                byIndex.set(id, groups.get(i).params().get(k));
            }
        }
        state.clear();
        for (Map.Entry<Integer, Map<String, Object>> e : saved.state().entrySet()) {
            Tensor p = e.getKey() < byIndex.size() ? byIndex.get(e.getKey()) : null;
            if (p == null) {
                throw new IllegalArgumentException("loaded state dict has state for parameter index " + e.getKey()
                        + ", which no group lists");
            }
            Map<String, Object> restored = new LinkedHashMap<>();
            e.getValue().forEach((k, v) -> restored.put(k, castLike(p, k, copy(v))));
            persist(restored);
            state.put(p, restored);
        }
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            for (Map.Entry<String, Object> h : savedGroups.get(i).entrySet()) {
                if (!h.getKey().equals("params")) {
                    g.set(h.getKey(), copy(h.getValue()));
                }
            }
        }
    }

    private static Object castLike(Tensor param, String key, Object value) {
        if (value instanceof Tensor t && !key.equals("step")) {
            Tensor moved = t.to(param.device());
            return param.dtype().isFloatingPoint() && t.dtype().isFloatingPoint() ? moved.to(param.dtype()) : moved;
        }
        return value;
    }

    /**
     * Takes the state's tensors (also inside lists, as L-BFGS keeps them) out of the caller's
     * {@link MemoryScope}: state lives as long as the optimizer holds it.
     */
    private static void persist(Map<String, Object> s) {
        for (Object v : s.values()) {
            if (v instanceof Tensor t) {
                MemoryScope.persist(t);
            } else if (v instanceof List<?> list) {
                for (Object e : list) {
                    if (e instanceof Tensor t) {
                        MemoryScope.persist(t);
                    }
                }
            }
        }
    }

    /** Deep copy of a state value: tensors cloned, lists and arrays copied. */
    private static Object copy(Object v) {
        if (v instanceof Tensor t) {
            return t.detach().clone();
        } else if (v instanceof double[] d) {
            return d.clone();
        } else if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(copy(o));
            }
            return out;
        }
        return v;
    }

    // ---------------------------------------------------------------- validation shared by subclasses

    protected static void requireNonNegative(String what, double value) {
        if (!(value >= 0.0)) {
            throw new IllegalArgumentException("Invalid " + what + ": " + value);
        }
    }

    protected static void requireBetas(double[] betas) {
        for (int i = 0; i < 2; i++) {
            if (!(betas[i] >= 0.0 && betas[i] < 1.0)) {
                throw new IllegalArgumentException("Invalid beta parameter at index " + i + ": " + betas[i]);
            }
        }
    }

    /** g + wd·θ as a new tensor (L2 weight decay folded into the gradient), or g itself when wd is 0. */
    protected static Tensor withWeightDecay(Tensor grad, Tensor param, double weightDecay) {
        return weightDecay == 0 ? grad : grad.clone().add_(param, weightDecay);
    }

    /** A 0-dim float32 step counter, as PyTorch keeps {@code state['step']} for Adam-like optimizers. */
    protected static Tensor newStepCounter() {
        return Tensor.scalar(0.0, dev.ignis.tensor.DType.FLOAT32);
    }

    /** Increments a step counter made by {@link #newStepCounter()} and returns the new value. */
    protected static double increment(Tensor step) {
        step.add_(1.0);
        return step.item();
    }
}
