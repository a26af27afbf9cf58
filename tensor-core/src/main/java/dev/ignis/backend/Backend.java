package dev.ignis.backend;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.backend.Storage;

/**
 * The service-provider interface a device implements: a small set of kernels over strided tensor
 * views. Backends are discovered with {@link java.util.ServiceLoader} and chosen by
 * {@link Backends}.
 *
 * <p>Contract shared by the kernels: operands live on this backend's device; {@code out} is a
 * freshly allocated contiguous tensor of the result shape unless stated otherwise; inputs may be
 * arbitrary strided views (broadcast dimensions have stride 0) and are never modified. Shapes and
 * dtypes have been validated by the caller (see STYLE.md: validate once, keep kernels thin).
 */
public interface Backend {
    /** Short name used in configuration and logs, e.g. {@code cpu}, {@code cuda}. */
    String name();

    /** The device family this backend serves, e.g. {@code cpu}. */
    String deviceType();

    /** Preference among available backends; the highest available one is the default. */
    int rank();

    /** Whether this backend can run on this machine, with the reason. Must be cheap and safe. */
    Availability probe();

    /** A new storage of {@code size} elements on {@code device}, zero-filled. */
    Storage allocate(DType dtype, int size, Device device);

    /**
     * A new storage on {@code device} holding a copy of a Java array ({@code float[]},
     * {@code double[]}, {@code long[]} or {@code boolean[]} matching {@code dtype}).
     */
    Storage fromJavaArray(Object array, DType dtype, Device device);

    /**
     * A storage on {@code device} over the Java array itself where the backend keeps its data in
     * Java arrays (the CPU backend): no copy, and later writes to the array show in the storage.
     * Other backends copy, as {@link #fromJavaArray}.
     */
    default Storage wrapJavaArray(Object array, DType dtype, Device device) {
        return fromJavaArray(array, dtype, device);
    }

    /**
     * The elements of a view in row-major order as a new Java array of its dtype
     * ({@code float[]}, {@code double[]}, {@code long[]} or {@code boolean[]}).
     */
    Object toJavaArray(View view);

    /** dst[i] = (dst.dtype) src[i] over equal shapes; {@code dst} may be a strided view. */
    void copy(View src, View dst);

    /** dst[i] = value; {@code dst} may be a strided view. */
    void fill(View dst, double value);

    /** out[i] = op(x[i], p, q). {@code out} may be {@code x} itself (in-place). */
    void unary(UnaryOp op, View x, double p, double q, View out);

    /**
     * out[i] = op(a[i], b[i]) with {@code a}, {@code b} already expanded to {@code out}'s shape.
     * {@code out} may be {@code a} itself (in-place).
     */
    void binary(BinaryOp op, View a, View b, View out);

    /**
     * In place: {@code y[i] += alpha·x[i]} with {@code x} expanded to y's shape, rounded once, as a
     * fused multiply-add would (alpha is first rounded to y's dtype, as PyTorch's add_ does).
     */
    void axpy(double alpha, View x, View y);

    /** In place: {@code y[i] = beta·y[i] + alpha·x[i]} (x expanded to y's shape), one pass (momentum buffers). */
    default void axpby(double alpha, View x, double beta, View y) {
        unary(UnaryOp.MUL_SCALAR, y, beta, 0, y);
        axpy(alpha, x, y);
    }

    /** out[i] = cond[i] ? a[i] : b[i], all expanded to {@code out}'s shape. */
    void where(View cond, View a, View b, View out);

    /**
     * Reduces each row of a contiguous {@code [outer, n]} tensor: {@code out[r] = op(x[r, :])}.
     * For MAX and MIN, {@code indices} (int64, {@code [outer]}) receives the arg position when not
     * null.
     */
    void reduceRows(ReduceOp op, View x, View out, View indices);

    /**
     * Batched matrix product {@code out[b] = a[b] · bm[b]}: {@code a} is {@code [B, M, K]},
     * {@code bm} is {@code [B, K, N]} (any strides, including 0 batch strides), {@code out} is a
     * contiguous {@code [B, M, N]}.
     */
    void bmm(View a, View bm, View out);

    /**
     * out[...i_dim...] = x[... index[...i_dim...] ...]: {@code index} (int64) has {@code out}'s
     * shape; its values have been checked against {@code x.size(dim)}.
     */
    void gather(View x, int dim, View index, View out);

    /**
     * out.select(dim, k) = x.select(dim, index[k]) for every k: whole slices, {@code out} contiguous
     * with x's shape except {@code size(dim) = index.length}; indices already bounds-checked.
     */
    void indexSelect(View x, int dim, long[] index, View out);

    /** In place: target.select(dim, index[k]) += src.select(dim, k) for every k (repeated indices add up). */
    void indexAdd(View target, int dim, long[] index, View src);

    // ---------------------------------------------------------------- optional fused kernels
    // Each has a reference composed from the primitives above (used when these return false), so a
    // backend overrides only what it speeds up.

    /**
     * Column sums of a contiguous {@code x} [rows, cols] into {@code out} [cols]:
     * {@code out[j] = Σ_r x[r, j]} (a bias gradient: the sum over the batch). The reference
     * transposes x so that each column becomes a row for {@link #reduceRows}.
     *
     * @return false when this backend has no such kernel for these operands
     */
    default boolean sumColumns(View x, View out) {
        return false;
    }

    /**
     * log_softmax along the rows of a contiguous {@code x} [rows, n] into contiguous {@code out}:
     * out[r, j] = x[r, j] − m_r − log Σ_k exp(x[r, k] − m_r) with m_r = max_k x[r, k].
     *
     * @return false when this backend has no such kernel for these operands
     */
    default boolean logSoftmaxRows(View x, View out) {
        return false;
    }

    /**
     * log_softmax's backward along rows, all contiguous [rows, n]:
     * gradInput[r, j] = grad[r, j] − exp(out[r, j])·Σ_k grad[r, k].
     *
     * @return false when this backend has no such kernel for these operands
     */
    default boolean logSoftmaxRowsBackward(View grad, View out, View gradInput) {
        return false;
    }

    /**
     * Max pooling of a contiguous {@code x} [N, C, H, W] into contiguous {@code out} [N, C, OH, OW],
     * with {@code indices} (int64, out's shape) receiving each maximum's flat position h·W + w in its
     * input plane. Geometry: {kh, kw, sh, sw, ph, pw, dh, dw}; padding counts as −∞.
     *
     * @return false when this backend has no such kernel for these operands
     */
    default boolean maxPool2d(View x, int[] geometry, View out, View indices) {
        return false;
    }

    /**
     * im2col: contiguous {@code cols} [N, C, kh, kw, OH, OW] from a contiguous, already padded
     * {@code xp} [N, C, Hp, Wp], cols[n, c, a, b, i, j] = xp[n, c, i·sh + a·dh, j·sw + b·dw];
     * geometry as for {@link #maxPool2d}. False if unsupported.
     */
    default boolean unfold2d(View xp, int[] geometry, View cols) {
        return false;
    }

    /**
     * col2im, the adjoint of {@link #unfold2d}: overwrites the contiguous {@code out} [N, C, H, W]
     * with the sum of the contiguous {@code cols} [N, C, kh, kw, OH, OW] placed back where they
     * came from, out[n, c, i·sh + a·dh − ph, j·sw + b·dw − pw] += cols[n, c, a, b, i, j]; entries
     * that fall in the padding are dropped. Geometry as for {@link #maxPool2d}. False if unsupported.
     */
    default boolean fold2d(View cols, int[] geometry, View out) {
        return false;
    }

    /**
     * 2-D convolution: out [N, O, OH, OW] (contiguous, overwritten) with
     * out[n, o, y, x] = bias[o] + Σ_{c in group(o), a, b} w[o, c, a, b]·x[n, c, y·sh + a·dh − ph, x·sw + b·dw − pw],
     * positions in the padding reading zero. x [N, C, H, W] unpadded, weight [O, C/groups, kh, kw],
     * bias [O] or null; geometry as for {@link #maxPool2d}. False if unsupported (nothing written).
     */
    default boolean conv2dForward(View x, View weight, View bias, int[] geometry, int groups, View out) {
        return false;
    }

    /**
     * The input and weight gradients of {@link #conv2dForward} from grad [N, O, OH, OW]:
     * gradInput [N, C, H, W] and gradWeight [O, C/groups, kh, kw] are overwritten; either may be
     * null when not needed. False if unsupported (nothing written).
     */
    default boolean conv2dBackward(View grad, View x, View weight, int[] geometry, int groups, View gradInput,
                                   View gradWeight) {
        return false;
    }

    /** In place: gradInput[n, c, indices[n, c, i]] += grad[n, c, i] (max pooling's backward); false if unsupported. */
    default boolean maxPool2dBackward(View grad, View indices, View gradInput) {
        return false;
    }

    /**
     * Batch-norm statistics and normalisation over every dim but 1 of a contiguous {@code x}
     * [N, C, *]: mean[c], invstd[c] = 1/√(biased var[c] + eps), out = (x − mean)·invstd·w + b
     * (w, b may be null). False if unsupported.
     */
    default boolean batchNormForward(View x, View weight, View bias, double eps, View out, View mean,
                                     View invstd) {
        return false;
    }

    /**
     * Batch norm's backward from the saved statistics: with x̂ = (x − mean)·invstd, M = N·Π*,
     * dx = w·invstd/M·(M·g − Σg − x̂·Σ(g·x̂)), dw = Σ(g·x̂), db = Σg (sums per channel). Any of
     * gradInput, gradWeight, gradBias may be null. False if unsupported.
     */
    default boolean batchNormBackward(View grad, View x, View weight, View mean, View invstd,
                                      View gradInput, View gradWeight, View gradBias) {
        return false;
    }

    /**
     * Training-mode batch norm, ReLU and max pooling in one: out = maxPool(relu(y)) with
     * y = (x − mean)·invstd·w + b as in {@link #batchNormForward} (mean and invstd [C] are
     * written), for contiguous {@code x} [N, C, H, W] and {@code out} [N, C, OH, OW]. Geometry as for
     * {@link #maxPool2d}; y itself is not stored. False if unsupported (nothing written).
     */
    default boolean batchNormReluMaxPool2d(View x, View weight, View bias, double eps, int[] geometry,
                                           View out, View mean, View invstd) {
        return false;
    }

    /**
     * The backward of {@link #batchNormReluMaxPool2d} from grad [N, C, OH, OW] and the saved mean
     * and invstd: each window's gradient reaches y at the window's first maximum (its first NaN)
     * unless ReLU cut it there (maximum ≤ 0), and {@link #batchNormBackward}'s formulas take it
     * from y to x, w and b. Any of gradInput, gradWeight, gradBias may be null. False if
     * unsupported (nothing written).
     */
    default boolean batchNormReluMaxPool2dBackward(View grad, View x, View weight, View bias, View mean,
                                                   View invstd, int[] geometry, View gradInput, View gradWeight,
                                                   View gradBias) {
        return false;
    }

    /**
     * In place: {@code target[... index[p] ...] += src[p]} for every position p of {@code index}
     * (which has {@code src}'s shape), {@code index} replacing coordinate {@code dim}.
     */
    void scatterAdd(View target, int dim, View index, View src);
}
