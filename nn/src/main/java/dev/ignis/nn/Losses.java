package dev.ignis.nn;

import dev.ignis.tensor.ClassNll;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;

/** The loss functions behind {@link F}, written with recorded tensor ops. */
final class Losses {
    private Losses() {
    }

    static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.mean();
            case BATCHMEAN -> throw new IllegalArgumentException("reduction 'batchmean' is only valid for kl_div");
        };
    }

    private static void checkSameShape(String op, Tensor input, Tensor target) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": target size " + Shape.format(target.shape())
                    + " must be the same as input size " + Shape.format(input.shape()));
        }
    }

    /** Moves the class dimension (1) last and flattens: [N, C, d...] → [N·d..., C]; targets [N, d...] → [N·d...]. */
    private static Tensor[] flattenClasses(Tensor input, Tensor target) {
        if (input.dim() == 1) {
            return new Tensor[] {input.unsqueeze(0), target.reshape(1)};
        }
        if (input.dim() == 2) {
            return new Tensor[] {input, target};
        }
        int c = input.size(1);
        int[] perm = new int[input.dim()];
        perm[perm.length - 1] = 1;
        perm[0] = 0;
        for (int d = 2; d < input.dim(); d++) {
            perm[d - 1] = d;
        }
        return new Tensor[] {input.permute(perm).reshape(-1, c), target.reshape(-1)};
    }

    /** loss_i = −w[y_i]·x[i, y_i], skipping ignore_index; mean divides by Σ w[y_i]. */
    static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException("nll_loss: expected target of dtype int64 (class indices), got "
                    + target.dtype());
        }
        int batchDims = input.dim() == 1 ? 0 : 1;
        if (input.dim() > 1 && (target.dim() != input.dim() - 1 || target.size(0) != input.size(0))) {
            throw new IllegalArgumentException("nll_loss: expected target of shape " + Shape.format(
                    java.util.stream.IntStream.range(0, input.dim()).filter(d -> d != 1).map(input::size).toArray())
                    + " for input " + Shape.format(input.shape()) + ", got " + Shape.format(target.shape()));
        }
        int classes = input.size(batchDims == 0 ? 0 : 1);
        Tensor[] flat = flattenClasses(input, target);
        Tensor x = flat[0];
        Tensor y = flat[1];
        long[] labels = y.toLongArray();
        for (long v : labels) {
            if (v != ignoreIndex && (v < 0 || v >= classes)) {
                throw new IndexOutOfBoundsException("nll_loss: target " + v + " is out of bounds for " + classes
                        + " classes");
            }
        }
        if (weight == null && input.dim() == 2 && (reduction == Reduction.MEAN || reduction == Reduction.SUM)) {
            return ClassNll.loss(input, target, ignoreIndex, reduction == Reduction.MEAN);
        }
        Tensor keep = y.ne(Tensor.full(ignoreIndex, DType.INT64, y.device()));
        Tensor safe = Tensor.where(keep, y, Tensor.zerosLike(y));
        Tensor picked = x.gather(1, safe.unsqueeze(1)).squeeze(1).neg();
        Tensor w = weight == null ? keep.to(x.dtype()) : weight.indexSelect(0, safe).mul(keep.to(x.dtype()));
        Tensor losses = picked.mul(w);
        return switch (reduction) {
            case NONE -> input.dim() > 2 ? losses.reshape(target.shape()) : (input.dim() == 1 ? losses.squeeze(0) : losses);
            case SUM -> losses.sum();
            case MEAN -> losses.sum().div(w.sum());
            case BATCHMEAN -> throw new IllegalArgumentException("reduction 'batchmean' is only valid for kl_div");
        };
    }

    /**
     * log_softmax + NLL for class indices, or −Σ_c w_c·t_c·log p_c for class probabilities (a
     * floating target of the input's shape). With label smoothing ε: (1−ε)·nll + ε/C·smooth, where
     * smooth = −Σ_c w_c·log p_c (zero at ignored targets); probability targets are smoothed as
     * t(1−ε) + ε/C.
     */
    static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction,
                               double labelSmoothing) {
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        int classDim = input.dim() == 1 ? 0 : 1;
        int classes = input.size(classDim);
        Tensor logp = input.logSoftmax(classDim);
        int[] weightShape = new int[input.dim()];
        java.util.Arrays.fill(weightShape, 1);
        weightShape[classDim] = classes;
        if (target.dtype().isFloatingPoint()) {
            checkSameShape("cross_entropy", input, target);
            Tensor t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / classes) : target;
            Tensor terms = logp.mul(t);
            if (weight != null) {
                terms = terms.mul(weight.reshape(weightShape));
            }
            Tensor loss = terms.sum(classDim, false).neg();
            return switch (reduction) {
                case NONE -> loss;
                case SUM -> loss.sum();
                case MEAN -> loss.sum().div((double) input.numel() / classes);
                case BATCHMEAN -> throw new IllegalArgumentException("reduction 'batchmean' is only valid for kl_div");
            };
        }
        Tensor nll = nllLoss(logp, target, weight, ignoreIndex, reduction);
        if (labelSmoothing == 0) {
            return nll;
        }
        Tensor ignored = target.eq(Tensor.full(ignoreIndex, DType.INT64, target.device()));
        Tensor weighted = weight == null ? logp : logp.mul(weight.reshape(weightShape));
        Tensor smooth = weighted.sum(classDim, false).neg();
        smooth = Tensor.where(ignored, Tensor.zerosLike(smooth), smooth);
        Tensor reducedSmooth = switch (reduction) {
            case NONE -> smooth;
            case SUM -> smooth.sum();
            case MEAN -> weight == null ? smooth.mean()
                    : smooth.sum().div(weight.indexSelect(0, Tensor.where(ignored, Tensor.zerosLike(target), target)
                            .reshape(-1)).mul(ignored.logicalNot().reshape(-1).to(weight.dtype())).sum());
            case BATCHMEAN -> throw new IllegalArgumentException("reduction 'batchmean' is only valid for kl_div");
        };
        return nll.mul(1 - labelSmoothing).add(reducedSmooth.mul(labelSmoothing / classes));
    }

    static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("mse_loss", input, target);
        Tensor d = input.sub(target);
        return reduce(d.mul(d), reduction);
    }

    static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("l1_loss", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /** 0.5·d²/β where |d| < β, else |d| − 0.5·β (β = 0: L1). */
    static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) {
        checkSameShape("smooth_l1_loss", input, target);
        if (beta < 0) {
            throw new IllegalArgumentException("smooth_l1_loss does not support negative values for beta.");
        }
        Tensor d = input.sub(target).abs();
        if (beta == 0) {
            return reduce(d, reduction);
        }
        return reduce(Tensor.where(d.lt(beta), d.mul(d).mul(0.5 / beta), d.sub(0.5 * beta)), reduction);
    }

    /** 0.5·d² where |d| ≤ δ, else δ(|d| − 0.5·δ). */
    static Tensor huberLoss(Tensor input, Tensor target, Reduction reduction, double delta) {
        checkSameShape("huber_loss", input, target);
        Tensor d = input.sub(target).abs();
        return reduce(Tensor.where(d.le(Tensor.full(delta, d.dtype(), d.device())), d.mul(d).mul(0.5),
                d.sub(0.5 * delta).mul(delta)), reduction);
    }

    /** −w·(t·log x + (1−t)·log(1−x)), each log clamped at −100 as PyTorch does. */
    static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
        checkSameShape("binary_cross_entropy", input, target);
        Tensor logX = input.log().clampMin(-100);
        Tensor log1mX = input.neg().add(1.0).log().clampMin(-100);
        Tensor loss = target.mul(logX).add(target.neg().add(1.0).mul(log1mX)).neg();
        if (weight != null) {
            loss = loss.mul(weight);
        }
        return reduce(loss, reduction);
    }

    /**
     * (1−t)·x + (1 + (p−1)·t)·(log(1 + e^−|x|) + max(−x, 0)), the stable form of
     * −w·[p·t·log σ(x) + (1−t)·log(1−σ(x))] (p = pos_weight, broadcast over the last dim).
     */
    static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                               Reduction reduction) {
        checkSameShape("binary_cross_entropy_with_logits", input, target);
        Tensor softplusNeg = input.abs().neg().exp().add(1.0).log().add(input.neg().relu());
        Tensor logWeight = posWeight == null ? null : posWeight.sub(1.0).mul(target).add(1.0);
        Tensor loss = target.neg().add(1.0).mul(input).add(logWeight == null ? softplusNeg : logWeight.mul(softplusNeg));
        if (weight != null) {
            loss = loss.mul(weight);
        }
        return reduce(loss, reduction);
    }

    /** Pointwise t·(log t − x) (0 where t = 0), or e^t·(t − x) for log targets; input holds log-probabilities. */
    static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        Tensor loss;
        if (logTarget) {
            loss = target.exp().mul(target.sub(input));
        } else {
            Tensor positive = target.gt(0.0);
            Tensor safeT = Tensor.where(positive, target, Tensor.onesLike(target));
            loss = Tensor.where(positive, target.mul(safeT.log().sub(input)), Tensor.zerosLike(target).mul(input));
        }
        if (reduction == Reduction.BATCHMEAN) {
            return loss.sum().div(input.dim() == 0 ? 1 : input.size(0));
        }
        return reduce(loss, reduction);
    }
}
