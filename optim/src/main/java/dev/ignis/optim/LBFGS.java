package dev.ignis.optim;

import dev.ignis.autograd.GradMode;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * L-BFGS (torch.optim.LBFGS): a quasi-Newton method that keeps the last {@code history_size}
 * curvature pairs (s, y) and builds the search direction with the two-loop recursion; the step
 * length is lr, or found by a strong-Wolfe line search ({@code line_search_fn = "strong_wolfe"}).
 * It needs a closure that re-evaluates the loss and its gradients, and supports one param group.
 *
 * <p>Scalars that PyTorch holds as 0-dim tensors of the parameters' dtype (dot products, ρ,
 * H_diag, the first step length) are rounded to that dtype here too ({@link #round}), so that
 * float32 runs follow PyTorch's path.
 */
public final class LBFGS extends Optimizer {

    /** LBFGS's arguments; the defaults are set here and nowhere else. */
    public static final class Options extends OptimizerOptions<Options> {
        public Options() {
            putDefault("lr", 1.0);
            putDefault("max_iter", 20);
            putDefault("max_eval", null);
            putDefault("tolerance_grad", 1e-7);
            putDefault("tolerance_change", 1e-9);
            putDefault("history_size", 100);
            putDefault("line_search_fn", null);
        }

        public Options maxIter(int v) {
            return put("max_iter", v);
        }

        /** Default: maxIter·5/4. */
        public Options maxEval(int v) {
            return put("max_eval", v);
        }

        public Options toleranceGrad(double v) {
            return put("tolerance_grad", v);
        }

        public Options toleranceChange(double v) {
            return put("tolerance_change", v);
        }

        public Options historySize(int v) {
            return put("history_size", v);
        }

        /** null or "strong_wolfe". */
        public Options lineSearchFn(String v) {
            return put("line_search_fn", v);
        }
    }

    private final List<Tensor> params;
    private final boolean float32;

    public LBFGS(Collection<Tensor> params, Options options) {
        this(single(List.copyOf(params)), options);
    }

    public LBFGS(List<ParamGroup> groups, Options options) {
        super(groups, withMaxEval(options));
        if (paramGroups().size() != 1) {
            throw new IllegalArgumentException("LBFGS doesn't support per-parameter options (parameter groups)");
        }
        Object fn = options.values().get("line_search_fn");
        if (fn != null && !fn.equals("strong_wolfe")) {
            throw new IllegalArgumentException("only 'strong_wolfe' is supported, got line_search_fn=" + fn);
        }
        this.params = paramGroups().get(0).params();
        this.float32 = params.get(0).dtype() == dev.ignis.tensor.DType.FLOAT32;
    }

    /** {@code v} as a 0-dim tensor of the parameters' dtype would hold it. */
    double round(double v) {
        return float32 ? (float) v : v;
    }

    private static Map<String, Object> withMaxEval(Options o) {
        Map<String, Object> v = o.values();
        if (v.get("max_eval") == null) {
            v.put("max_eval", ((Integer) v.get("max_iter")) * 5 / 4);
        }
        return v;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        throw new IllegalStateException("LBFGS updates all parameters together in step(closure)");
    }

    @Override
    public Tensor step() {
        throw new IllegalArgumentException("LBFGS.step needs a closure that re-evaluates the model and returns the loss");
    }

    /** Up to max_iter L-BFGS iterations; returns the loss of the first closure evaluation. */
    @Override
    @SuppressWarnings("unchecked")
    public Tensor step(Supplier<Tensor> closure) {
        if (closure == null) {
            return step();
        }
        ParamGroup group = paramGroups().get(0);
        double lr = group.getDouble("lr");
        int maxIter = ((Number) group.get("max_iter")).intValue();
        int maxEval = ((Number) group.get("max_eval")).intValue();
        double toleranceGrad = group.getDouble("tolerance_grad");
        double toleranceChange = group.getDouble("tolerance_change");
        int historySize = ((Number) group.get("history_size")).intValue();
        boolean wolfe = group.get("line_search_fn") != null;

        Map<String, Object> state = state(params.get(0));
        state.putIfAbsent("func_evals", 0);
        state.putIfAbsent("n_iter", 0);

        Tensor origLoss = evaluate(closure);
        double loss = origLoss.item();
        int currentEvals = 1;
        state.put("func_evals", (Integer) state.get("func_evals") + 1);
        try (var ignored = GradMode.noGrad()) {
            Tensor flatGrad = gatherFlatGrad();
            if (flatGrad.abs().max().item() <= toleranceGrad) {
                return origLoss;
            }
            Tensor d = (Tensor) state.get("d");
            double t = state.containsKey("t") ? (Double) state.get("t") : 0;
            List<Tensor> oldDirs = (List<Tensor>) state.get("old_dirs");
            List<Tensor> oldStps = (List<Tensor>) state.get("old_stps");
            List<Double> ro = (List<Double>) state.get("ro");
            double hDiag = state.containsKey("H_diag") ? (Double) state.get("H_diag") : 1;
            Tensor prevFlatGrad = (Tensor) state.get("prev_flat_grad");
            double prevLoss = state.containsKey("prev_loss") ? (Double) state.get("prev_loss") : 0;

            int nIter = 0;
            while (nIter < maxIter) {
                nIter++;
                int globalIter = (Integer) state.get("n_iter") + 1;
                state.put("n_iter", globalIter);
                if (globalIter == 1) {
                    d = flatGrad.neg();
                    oldDirs = new ArrayList<>();
                    oldStps = new ArrayList<>();
                    ro = new ArrayList<>();
                    hDiag = 1;
                } else {
                    Tensor y = flatGrad.sub(prevFlatGrad);
                    Tensor s = d.mul(t);
                    double ys = dot(y, s);
                    if (ys > 1e-10) {
                        if (oldDirs.size() == historySize) {
                            oldDirs.remove(0);
                            oldStps.remove(0);
                            ro.remove(0);
                        }
                        oldDirs.add(y);
                        oldStps.add(s);
                        ro.add(round(1.0 / ys));
                        hDiag = round(ys / dot(y, y));
                    }
                    int numOld = oldDirs.size();
                    double[] al = new double[numOld];
                    Tensor q = flatGrad.neg();
                    for (int i = numOld - 1; i >= 0; i--) {
                        al[i] = round(dot(oldStps.get(i), q) * ro.get(i));
                        q.add_(oldDirs.get(i), -al[i]);
                    }
                    d = q.mul(hDiag);
                    for (int i = 0; i < numOld; i++) {
                        double be = round(dot(oldDirs.get(i), d) * ro.get(i));
                        d.add_(oldStps.get(i), round(al[i] - be));
                    }
                }
                prevFlatGrad = flatGrad.clone();
                prevLoss = loss;
                if (globalIter == 1) {
                    double inverseSum = round(1.0 / flatGrad.abs().sum().item());
                    t = inverseSum < 1.0 ? round(inverseSum * lr) : lr;
                } else {
                    t = lr;
                }
                double gtd = dot(flatGrad, d);
                if (gtd > -toleranceChange) {
                    break;
                }
                int lsFuncEvals = 0;
                boolean optCond = false;
                if (wolfe) {
                    List<Tensor> xInit = cloneParams();
                    StrongWolfe.Result r = StrongWolfe.search(this,
                            (x, step, dir) -> directionalEvaluate(closure, x, step, dir),
                            xInit, t, d, loss, flatGrad, gtd, toleranceChange);
                    loss = r.loss();
                    flatGrad = r.grad();
                    t = r.step();
                    lsFuncEvals = r.evaluations();
                    addGrad(t, d);
                    optCond = flatGrad.abs().max().item() <= toleranceGrad;
                } else {
                    addGrad(t, d);
                    if (nIter != maxIter) {
                        loss = evaluate(closure).item();
                        flatGrad = gatherFlatGrad();
                        optCond = flatGrad.abs().max().item() <= toleranceGrad;
                        lsFuncEvals = 1;
                    }
                }
                currentEvals += lsFuncEvals;
                state.put("func_evals", (Integer) state.get("func_evals") + lsFuncEvals);
                if (nIter == maxIter || currentEvals >= maxEval || optCond) {
                    break;
                }
                if (d.mul(t).abs().max().item() <= toleranceChange) {
                    break;
                }
                if (Math.abs(loss - prevLoss) < toleranceChange) {
                    break;
                }
            }
            state.put("d", d);
            state.put("t", t);
            state.put("old_dirs", oldDirs);
            state.put("old_stps", oldStps);
            state.put("ro", ro);
            state.put("H_diag", hDiag);
            state.put("prev_flat_grad", prevFlatGrad);
            state.put("prev_loss", prevLoss);
        }
        return origLoss;
    }

    private static Tensor evaluate(Supplier<Tensor> closure) {
        try (var ignored = GradMode.enableGrad()) {
            return closure.get();
        }
    }

    /** Dot product, rounded as PyTorch's 0-dim result of the parameters' dtype is. */
    double dot(Tensor a, Tensor b) {
        return round(a.mul(b).sum().item());
    }

    private Tensor gatherFlatGrad() {
        List<Tensor> views = new ArrayList<>(params.size());
        for (Tensor p : params) {
            views.add(p.grad() == null ? Tensor.zeros(p.dtype(), p.device(), p.numel()) : p.grad().reshape(-1));
        }
        return Tensor.cat(views, 0);
    }

    /** θ ← θ + step·update, parameter by parameter over the flat vector. */
    private void addGrad(double step, Tensor update) {
        int offset = 0;
        for (Tensor p : params) {
            p.add_(update.narrow(0, offset, p.numel()).view(p.shape()), step);
            offset += p.numel();
        }
    }

    private List<Tensor> cloneParams() {
        List<Tensor> copies = new ArrayList<>(params.size());
        for (Tensor p : params) {
            copies.add(p.detach().clone());
        }
        return copies;
    }

    private StrongWolfe.Evaluation directionalEvaluate(Supplier<Tensor> closure, List<Tensor> x, double t, Tensor d) {
        addGrad(t, d);
        double loss;
        try (var ignored = GradMode.enableGrad()) {
            loss = closure.get().item();
        }
        Tensor flatGrad = gatherFlatGrad();
        for (int i = 0; i < params.size(); i++) {
            params.get(i).copy_(x.get(i));
        }
        return new StrongWolfe.Evaluation(loss, flatGrad);
    }
}
