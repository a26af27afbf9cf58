package dev.ignis.backend;

import dev.ignis.backend.Storage;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;

/**
 * A device, as the service-provider interface a backend implements: it owns its memory
 * (allocate, release, copies between the host and the device and within the device, fill) and a
 * small set of primitives over strided {@link View}s (unary, binary, axpy/axpby, where, row
 * reductions, batched GEMM, gather/scatter/index ops). Everything beyond the primitives
 * (convolution, pooling, norms, softmax, losses, fused blocks, user ops) is a kernel family in the
 * {@link KernelTable}, whose reference is composed from these primitives: a new device runs every
 * model once it implements this interface, and registers kernels ({@link #registerKernels}) only
 * where they pay. Backends are discovered with {@link java.util.ServiceLoader} and chosen by
 * {@link Backends}.
 *
 * <p>Contract shared by the primitives: operands live on this backend's device (the tensor layer
 * checks that all operands of an op share one device); {@code out} is a freshly allocated
 * contiguous view of the result shape unless stated otherwise; inputs may be arbitrary strided
 * views (broadcast dimensions have stride 0) and are never modified. Shapes and dtypes have been
 * validated by the caller (see STYLE.md: validate once, keep kernels thin).
 */
public interface Backend {
    /** Short name used in configuration and logs, e.g. {@code cpu}, {@code cuda}. */
    String name();

    /** The device type this backend serves, e.g. {@link DeviceType#CPU}. */
    DeviceType deviceType();

    /** Preference among available backends; the highest available one is the default. */
    int rank();

    /** Whether this backend can run on this machine, with the reason. Must be cheap and safe. */
    Availability probe();

    /**
     * Puts this backend's kernels for the families it speeds up into {@code table}, keyed by its
     * device type; called once, when the backend is discovered. Families it leaves out run their
     * references on its primitives.
     */
    default void registerKernels(KernelTable table) {
    }

    // ---------------------------------------------------------------- memory

    /** A new storage of {@code size} elements on {@code device}, zero-filled. */
    Storage allocate(DType dtype, int size, Device device);

    /**
     * Returns {@code storage}'s memory to this device now, instead of when the garbage collector
     * finds it unreachable; the storage must not be used afterwards. The CPU's arrays belong to the
     * garbage collector, so it does nothing there.
     */
    default void release(Storage storage) {
    }

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

    /**
     * dst[i] = (dst.dtype) src[i] over equal shapes, both on this device (device-to-device; the
     * host side of a copy is {@link #fromJavaArray} and {@link #toJavaArray}); {@code dst} may be a
     * strided view.
     */
    void copy(View src, View dst);

    /** dst[i] = value; {@code dst} may be a strided view. */
    void fill(View dst, double value);

    // ---------------------------------------------------------------- primitives

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

    /**
     * dst[i] = the {@link CounterRandom} value of element i (in dst's row-major order) of the
     * stream {@code seed}: counter-based, so each element is computed on its own and a fill costs
     * no copy from the host. Tensors seeded from a {@code Generator} on a device draw through it.
     */
    void fillRandom(View dst, CounterRandom.Distribution distribution, long seed);

    /**
     * In place: {@code target[... index[p] ...] += src[p]} for every position p of {@code index}
     * (which has {@code src}'s shape), {@code index} replacing coordinate {@code dim}.
     */
    void scatterAdd(View target, int dim, View index, View src);
}
