package dev.ignis.tensor;

import dev.ignis.autograd.Engine;
import dev.ignis.autograd.GradHooks;
import dev.ignis.autograd.GradMode;
import dev.ignis.autograd.Node;
import dev.ignis.autograd.RemovableHandle;
import dev.ignis.backend.Backend;
import dev.ignis.backend.Backends;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.CounterRandom;
import dev.ignis.backend.Storage;
import dev.ignis.backend.StorageScope;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array with autograd: a strided view (shape, strides, offset) over a
 * {@link Storage} on one device. Views ({@link #view}, {@link #transpose}, {@link #narrow}, ...)
 * share storage; ops allocate new storage; methods ending in {@code _} modify this tensor in place
 * and bump the storage's version counter.
 *
 * <p>Ops on tensors that require grad are recorded (see {@link #gradFn()}); {@link #backward()}
 * accumulates gradients into the {@link #grad()} of leaf tensors that require grad. Semantics,
 * names and error messages follow PyTorch. The math lives in per-family classes ({@code Pointwise},
 * {@code Reductions}, {@code Views}, {@code LinearAlgebra}, {@code Indexing}, {@code Convolution});
 * this class is the fluent entry point.
 */
public final class Tensor {
    // Not final: setData replaces them, as PyTorch's `param.data = ...` does (Module.to relies on it).
    private Storage storage;
    private int[] shape;
    private int[] strides;
    private int offset;
    private List<UnaryOperator<Tensor>> leafHooks;
    private boolean leafRequiresGrad;
    private Node gradFn;
    private Tensor grad;

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        StorageScope.adopt(storage);
    }

    // ---------------------------------------------------------------- creation

    /** A new zero-filled tensor. */
    public static Tensor zeros(DType dtype, Device device, int... shape) {
        int[] s = shape.clone();
        Backend backend = Backends.forDevice(device);
        return new Tensor(backend.allocate(dtype, Shape.numel(s), device), s, Shape.contiguousStrides(s), 0);
    }

    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1.0, shape);
    }

    /** A float32 CPU tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) {
        return full(value, DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Tensor t = zeros(dtype, device, shape);
        if (value != 0) {
            t.backend().fill(t.asView(), value);
        }
        return t;
    }

    /** A 0-dimensional tensor. */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype, Device.CPU);
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.dtype(), t.device(), t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return full(1.0, t.dtype(), t.device(), t.shape);
    }

    /** {@code [start, start + step, ...]} below {@code end} (int64, like torch.arange on ints). */
    public static Tensor arange(long start, long end, long step) {
        if (step == 0) {
            throw new IllegalArgumentException("arange: step must be nonzero");
        }
        int n = (int) Math.max(0, Math.ceil((double) (end - start) / step));
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = start + i * step;
        }
        return fromArray(values, n);
    }

    public static Tensor arange(long end) {
        return arange(0, end, 1);
    }

    /** {@code [start, start + step, ...]} below {@code end} as float32. */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0) {
            throw new IllegalArgumentException("arange: step must be nonzero");
        }
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (start + i * step);
        }
        return fromArray(values, n);
    }

    /** The n×m identity (float32). */
    public static Tensor eye(int n, int m) {
        float[] values = new float[n * m];
        for (int i = 0; i < Math.min(n, m); i++) {
            values[i * m + i] = 1f;
        }
        return wrap(values, n, m);
    }

    public static Tensor eye(int n) {
        return eye(n, n);
    }

    /** A CPU tensor holding a copy of {@code data}, viewed as {@code shape} (1-D when omitted). */
    public static Tensor fromArray(float[] data, int... shape) {
        return fromJava(data, DType.FLOAT32, data.length, shape);
    }

    public static Tensor fromArray(double[] data, int... shape) {
        return fromJava(data, DType.FLOAT64, data.length, shape);
    }

    public static Tensor fromArray(long[] data, int... shape) {
        return fromJava(data, DType.INT64, data.length, shape);
    }

    public static Tensor fromArray(boolean[] data, int... shape) {
        return fromJava(data, DType.BOOL, data.length, shape);
    }

    /**
     * A CPU float32 tensor over {@code data} itself, viewed as {@code shape} (1-D when omitted):
     * no copy, and writes through the array and through the tensor show in both, as
     * {@code torch.from_numpy}. For arrays made to become a tensor, such as a decoded image.
     */
    public static Tensor wrap(float[] data, int... shape) {
        return fromJava(data, DType.FLOAT32, data.length, shape, true);
    }

    /** A 1-D float32 tensor of the given values. */
    public static Tensor of(float... values) {
        return fromArray(values, values.length);
    }

    private static Tensor fromJava(Object data, DType dtype, int length, int[] shape) {
        return fromJava(data, dtype, length, shape, false);
    }

    private static Tensor fromJava(Object data, DType dtype, int length, int[] shape, boolean share) {
        int[] s = shape.length == 0 ? new int[] {length} : shape.clone();
        if (Shape.numel(s) != length) {
            throw new IllegalArgumentException((share ? "wrap" : "fromArray") + ": shape " + Shape.format(s) + " needs "
                    + Shape.numel(s)
                    + " elements but the array has " + length);
        }
        Storage st = share ? Backends.forDevice(Device.CPU).wrapJavaArray(data, dtype, Device.CPU)
                : Backends.forDevice(Device.CPU).fromJavaArray(data, dtype, Device.CPU);
        return new Tensor(st, s, Shape.contiguousStrides(s), 0);
    }

    /** Uniform samples in [0, 1) (float32). */
    public static Tensor rand(Generator gen, int... shape) {
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) gen.nextDouble();
        }
        return wrap(v, shape.clone());
    }

    /** Standard normal samples (float32). */
    public static Tensor randn(Generator gen, int... shape) {
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) gen.nextGaussian();
        }
        return wrap(v, shape.clone());
    }

    /**
     * Uniform samples in [0, 1) (float32) on {@code device}: on the CPU {@link #rand(Generator, int...)}'s
     * values; elsewhere drawn on the device by {@link dev.ignis.backend.Backend#fillRandom} from a
     * seed the generator gives, with no copy from the host.
     */
    public static Tensor rand(Generator gen, Device device, int... shape) {
        return device.isCpu() ? rand(gen, shape) : onDevice(CounterRandom.Distribution.UNIFORM, gen, device, shape);
    }

    /** Standard normal samples (float32) on {@code device}, as {@link #rand(Generator, Device, int...)}. */
    public static Tensor randn(Generator gen, Device device, int... shape) {
        return device.isCpu() ? randn(gen, shape) : onDevice(CounterRandom.Distribution.NORMAL, gen, device, shape);
    }

    private static Tensor onDevice(CounterRandom.Distribution distribution, Generator gen, Device device, int[] shape) {
        Tensor t = zeros(DType.FLOAT32, device, shape);
        t.backend().fillRandom(t.asView(), distribution, gen.nextLong());
        return t;
    }

    /** Uniform integers in [low, high) (int64). */
    public static Tensor randint(long low, long high, Generator gen, int... shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: expected low < high, got low=" + low + ", high=" + high);
        }
        long[] v = new long[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = low + gen.nextLong(high - low);
        }
        return fromArray(v, shape.clone());
    }

    /** Concatenates along {@code dim}; all other sizes must match. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Indexing.cat(tensors, dim);
    }

    /** Stacks equal-shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Indexing.stack(tensors, dim);
    }

    /** {@code cond ? a : b} elementwise, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Pointwise.where(cond, a, b);
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    /** The backend that owns this tensor's storage. */
    public Backend backend() {
        return storage.backend();
    }

    /** The storage this view reads (for backends; code outside tensor-core never touches it). */
    public Storage storage() {
        return storage;
    }

    /** A copy of the sizes. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shape.normalizeDim("size", dim, shape.length)];
    }

    /** A copy of the strides, in elements. */
    public int[] strides() {
        return strides.clone();
    }

    public int stride(int dim) {
        return strides[Shape.normalizeDim("stride", dim, shape.length)];
    }

    /** Offset of element [0, ..., 0] in the storage. */
    public int offset() {
        return offset;
    }

    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    /** Whether the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        return Shape.isContiguous(shape, strides);
    }

    /**
     * The kernel operand for this tensor: its storage, shape, strides and offset, without autograd
     * (for backends and kernel tables; the arrays are shared, so nobody may modify them).
     */
    public View asView() {
        if (storage.isReleased()) {
            throw new IllegalStateException("a tensor " + Shape.format(shape) + " on " + device() + " is used after its"
                    + " memory was released (its MemoryScope closed, or MemoryScope.release was called): keep it with"
                    + " scope.keep(tensor), or clone it, before the scope closes");
        }
        return new View(storage, shape, strides, offset);
    }

    /** {@code t.asView()}, or null for an absent optional operand (a bias, an unneeded gradient). */
    static View operand(Tensor t) {
        return t == null ? null : t.asView();
    }

    // ---------------------------------------------------------------- autograd

    /** True for leaves created with requiresGrad and for results of recorded ops. */
    public boolean requiresGrad() {
        return leafRequiresGrad || gradFn != null;
    }

    /**
     * Sets requires_grad on a leaf (PyTorch's {@code requires_grad_}); returns this. A leaf that
     * requires grad is a parameter, so its memory leaves the {@link MemoryScope} it was made in.
     */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn != null) {
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables."
                    + " If you want to use a computed variable in a subgraph that doesn't require differentiation use"
                    + " var_no_grad = var.detach().");
        }
        if (requires && !dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients, got " + dtype());
        }
        leafRequiresGrad = requires;
        if (requires) {
            // a leaf that requires grad is a parameter: it outlives the scope it was made in
            StorageScope.persist(storage);
        }
        return this;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The node that produced this tensor, or null for leaves and for tensors made without grad. */
    public Node gradFn() {
        return gradFn;
    }

    void setGradFn(Node node) {
        this.gradFn = node;
    }

    /**
     * Makes {@code node} the grad_fn of this freshly computed tensor: the hook through which
     * {@link dev.ignis.autograd.Function} records user-defined ops. Built-in ops never need it.
     *
     * @throws IllegalStateException when this tensor already has a grad_fn or is a leaf that requires grad
     */
    public Tensor attachGradFn(Node node) {
        if (gradFn != null || leafRequiresGrad) {
            throw new IllegalStateException("attachGradFn: the tensor already takes part in autograd (grad_fn "
                    + gradFn + ", requires_grad " + requiresGrad() + "); a Function must return new tensors");
        }
        this.gradFn = node;
        return this;
    }

    /** The accumulated gradient, or null. */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the gradient (null clears it, as {@code zero_grad(set_to_none=True)} does). A new
     * gradient's memory leaves the {@link MemoryScope} it was made in: it lives as long as the
     * tensor holds it.
     */
    public void grad(Tensor newGrad) {
        if (newGrad != null && !Arrays.equals(newGrad.shape, shape)) {
            throw new IllegalArgumentException("assigned grad has shape " + Shape.format(newGrad.shape)
                    + " but the tensor has shape " + Shape.format(shape));
        }
        if (newGrad != null) {
            StorageScope.persist(newGrad.storage);
        }
        this.grad = newGrad;
    }

    /**
     * Makes this tensor show {@code source}'s data (storage, shape, strides), keeping its identity,
     * its requires_grad flag and its grad (PyTorch's {@code tensor.data = source}). Used to move or
     * convert a module's parameters in place. Only for leaves. {@code source}'s memory leaves the
     * {@link MemoryScope} it was made in, as this tensor's data.
     */
    public void setData(Tensor source) {
        if (gradFn != null) {
            throw new IllegalStateException("setData is only allowed on leaf tensors");
        }
        if (leafRequiresGrad && !source.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("setData: a tensor that requires grad needs floating data, got "
                    + source.dtype());
        }
        StorageScope.persist(source.storage);
        this.storage = source.storage;
        this.shape = source.shape;
        this.strides = source.strides;
        this.offset = source.offset;
    }

    /**
     * Calls {@code hook} with this tensor's gradient each time one is computed in backward; a
     * non-null return value replaces the gradient (torch.Tensor.register_hook).
     */
    public RemovableHandle registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad()) {
            throw new IllegalStateException("cannot register a hook on a tensor that doesn't require gradient");
        }
        if (gradFn != null) {
            return gradFn.addGradHook(hook);
        }
        if (leafHooks == null) {
            leafHooks = new ArrayList<>();
        }
        leafHooks.add(hook);
        return () -> leafHooks.remove(hook);
    }

    /** Applies this leaf's hooks to an incoming gradient (for the autograd engine). */
    public Tensor applyLeafHooks(Tensor grad) {
        return GradHooks.apply(leafHooks, grad);
    }

    /** Keeps this non-leaf tensor's gradient in {@link #grad()} during backward. */
    public Tensor retainGrad() {
        if (gradFn != null) {
            gradFn.retainGradOf(this);
        }
        return this;
    }

    /** Backward from a scalar: d(this)/d(leaf) for every leaf below it. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("grad can be implicitly created only for scalar outputs; this tensor has shape "
                    + Shape.format(shape));
        }
        backward(onesLike(this), false);
    }

    /** Backward with dL/d(this) = {@code gradient}; {@code retainGraph} keeps the graph for another pass. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Engine.backward(this, gradient, retainGraph);
    }

    /** A view of the same data that is not part of any graph. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    /** A view with other sizes and strides over the same storage; not recorded (internal use). */
    Tensor viewOf(int[] newShape, int[] newStrides, int newOffset) {
        return new Tensor(storage, newShape, newStrides, newOffset);
    }

    // ---------------------------------------------------------------- conversion and data

    /** A contiguous copy (recorded: gradients flow through). */
    @Override
    public Tensor clone() {
        return Views.copy(this, "CloneBackward0");
    }

    /** This tensor if already contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copy(this, "CloneBackward0");
    }

    /** Converts to {@code dtype} (this tensor if it already has it). */
    public Tensor to(DType dtype) {
        return dtype == dtype() ? this : Pointwise.cast(this, dtype);
    }

    /** Moves to {@code device} (this tensor if it is already there). */
    public Tensor to(Device device) {
        return device.equals(device()) ? this : Views.toDevice(this, device);
    }

    /** The single element as a double. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("a Tensor with " + numel() + " elements cannot be converted to Scalar");
        }
        Object values = backend().toJavaArray(asView());
        return switch (dtype()) {
            case FLOAT32 -> ((float[]) values)[0];
            case FLOAT64 -> ((double[]) values)[0];
            case INT64 -> ((long[]) values)[0];
            case BOOL -> ((boolean[]) values)[0] ? 1.0 : 0.0;
        };
    }

    /** Element at the given coordinates, as a double. */
    public double get(int... index) {
        return select(index).item();
    }

    /** All elements in row-major order as floats (converting from any dtype). */
    public float[] toFloatArray() {
        Tensor f = to(DType.FLOAT32);
        return (float[]) f.backend().toJavaArray(f.asView());
    }

    /** All elements in row-major order as doubles. */
    public double[] toDoubleArray() {
        Tensor d = to(DType.FLOAT64);
        return (double[]) d.backend().toJavaArray(d.asView());
    }

    /** All elements in row-major order as longs (floats truncate). */
    public long[] toLongArray() {
        Tensor l = to(DType.INT64);
        return (long[]) l.backend().toJavaArray(l.asView());
    }

    /** All elements in row-major order as booleans (nonzero is true). */
    public boolean[] toBooleanArray() {
        Tensor b = to(DType.BOOL);
        return (boolean[]) b.backend().toJavaArray(b.asView());
    }

    // ---------------------------------------------------------------- views

    /** Same data, new shape (one dimension may be -1); needs compatible strides, else use reshape. */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape);
    }

    /** {@link #view} when possible, else a copy. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /** Flattens dims {@code start..end} into one. */
    public Tensor flatten(int startDim, int endDim) {
        return Views.flatten(this, startDim, endDim);
    }

    public Tensor flatten() {
        return reshape(-1);
    }

    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** Transpose of a matrix (a vector or scalar is returned unchanged). */
    public Tensor t() {
        if (dim() > 2) {
            throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + dim() + "D");
        }
        return dim() < 2 ? this : transpose(0, 1);
    }

    /** Broadcasts to {@code newShape} without copying (-1 keeps a size). */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    public Tensor expandAs(Tensor other) {
        return expand(other.shape);
    }

    public Tensor squeeze() {
        return Views.squeeze(this, -1, true);
    }

    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim, false);
    }

    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** Elements {@code start .. start+length-1} of {@code dim}. */
    public Tensor narrow(int dim, int start, int length) {
        int size = size(dim);
        int s = start < 0 ? start + size : start;
        if (s < 0 || s > size || length < 0 || s + length > size) {
            throw new IndexOutOfBoundsException("narrow: start (" + start + ") + length (" + length
                    + ") exceeds dimension size (" + size + ") of dimension " + dim);
        }
        return Views.slice(this, dim, s, s + length, 1, "narrow");
    }

    /** Python's {@code x[..., start:end:step, ...]} along {@code dim}; bounds are clamped as in Python. */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step, "slice");
    }

    /** Removes {@code dim} by taking index {@code index} (negative counts from the end). */
    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    /** {@code x[i0, i1, ...]}: selects along the leading dimensions. */
    public Tensor select(int... indices) {
        Tensor t = this;
        for (int i : indices) {
            t = t.select(0, i);
        }
        return t;
    }

    public List<Tensor> split(int splitSize, int dim) {
        return Indexing.split(this, splitSize, dim);
    }

    public List<Tensor> split(int[] sizes, int dim) {
        return Indexing.split(this, sizes, dim);
    }

    public List<Tensor> chunk(int chunks, int dim) {
        return Indexing.chunk(this, chunks, dim);
    }

    // ---------------------------------------------------------------- arithmetic

    public Tensor add(Tensor o) {
        return Pointwise.add(this, o);
    }

    /** this + alpha·o. */
    public Tensor add(Tensor o, double alpha) {
        return alpha == 1 ? add(o) : add(o.mul(alpha));
    }

    public Tensor add(double s) {
        return add(Pointwise.scalarLike(s, this));
    }

    public Tensor sub(Tensor o) {
        return Pointwise.sub(this, o);
    }

    public Tensor sub(double s) {
        return sub(Pointwise.scalarLike(s, this));
    }

    public Tensor mul(Tensor o) {
        return Pointwise.mul(this, o);
    }

    public Tensor mul(double s) {
        return mul(Pointwise.scalarLike(s, this));
    }

    /** True division (integer inputs give float32). */
    public Tensor div(Tensor o) {
        return Pointwise.div(this, o);
    }

    public Tensor div(double s) {
        return div(Pointwise.scalarLike(s, this));
    }

    public Tensor neg() {
        return Pointwise.neg(this);
    }

    public Tensor pow(double exponent) {
        return Pointwise.pow(this, exponent);
    }

    public Tensor pow(Tensor exponent) {
        return Pointwise.pow(this, exponent);
    }

    public Tensor exp() {
        return Pointwise.exp(this);
    }

    public Tensor log() {
        return Pointwise.log(this);
    }

    public Tensor sqrt() {
        return Pointwise.sqrt(this);
    }

    public Tensor rsqrt() {
        return Pointwise.rsqrt(this);
    }

    public Tensor abs() {
        return Pointwise.abs(this);
    }

    public Tensor sign() {
        return Pointwise.sign(this);
    }

    /** Clamps to [min, max]; pass NaN for a missing bound. */
    public Tensor clamp(double min, double max) {
        return Pointwise.clamp(this, min, max);
    }

    public Tensor clampMin(double min) {
        return clamp(min, Double.NaN);
    }

    public Tensor clampMax(double max) {
        return clamp(Double.NaN, max);
    }

    public Tensor maximum(Tensor o) {
        return Pointwise.maximum(this, o);
    }

    public Tensor minimum(Tensor o) {
        return Pointwise.minimum(this, o);
    }

    // ---------------------------------------------------------------- comparisons and logic (BOOL results)

    public Tensor eq(Tensor o) {
        return Pointwise.compare(BinaryOp.EQ, this, o);
    }

    public Tensor eq(double s) {
        return eq(Pointwise.scalarLike(s, this));
    }

    public Tensor ne(Tensor o) {
        return Pointwise.compare(BinaryOp.NE, this, o);
    }

    public Tensor lt(Tensor o) {
        return Pointwise.compare(BinaryOp.LT, this, o);
    }

    public Tensor lt(double s) {
        return lt(Pointwise.scalarLike(s, this));
    }

    public Tensor le(Tensor o) {
        return Pointwise.compare(BinaryOp.LE, this, o);
    }

    public Tensor gt(Tensor o) {
        return Pointwise.compare(BinaryOp.GT, this, o);
    }

    public Tensor gt(double s) {
        return gt(Pointwise.scalarLike(s, this));
    }

    public Tensor ge(Tensor o) {
        return Pointwise.compare(BinaryOp.GE, this, o);
    }

    public Tensor ge(double s) {
        return ge(Pointwise.scalarLike(s, this));
    }

    public Tensor logicalAnd(Tensor o) {
        return Pointwise.compare(BinaryOp.LOGICAL_AND, this, o);
    }

    public Tensor logicalOr(Tensor o) {
        return Pointwise.compare(BinaryOp.LOGICAL_OR, this, o);
    }

    public Tensor logicalXor(Tensor o) {
        return Pointwise.compare(BinaryOp.LOGICAL_XOR, this, o);
    }

    public Tensor logicalNot() {
        return Pointwise.logicalNot(this);
    }

    // ---------------------------------------------------------------- activations

    public Tensor relu() {
        return Activations.relu(this);
    }

    public Tensor leakyRelu(double negativeSlope) {
        return Activations.leakyRelu(this, negativeSlope);
    }

    public Tensor sigmoid() {
        return Activations.sigmoid(this);
    }

    public Tensor tanh() {
        return Activations.tanh(this);
    }

    /** GELU; {@code approximate} is "none" (exact, with erf) or "tanh". */
    public Tensor gelu(String approximate) {
        return Activations.gelu(this, approximate);
    }

    public Tensor gelu() {
        return gelu("none");
    }

    public Tensor silu() {
        return Activations.silu(this);
    }

    public Tensor softplus(double beta, double threshold) {
        return Activations.softplus(this, beta, threshold);
    }

    public Tensor softplus() {
        return softplus(1.0, 20.0);
    }

    public Tensor elu(double alpha) {
        return Activations.elu(this, alpha);
    }

    public Tensor softmax(int dim) {
        return Activations.softmax(this, dim);
    }

    public Tensor logSoftmax(int dim) {
        return Activations.logSoftmax(this, dim);
    }

    /** Zeroes each element with probability p and scales the rest by 1/(1−p) when {@code training}. */
    public Tensor dropout(double p, boolean training, Generator gen) {
        return Activations.dropout(this, p, training, gen);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (0-dim). */
    public Tensor sum() {
        return Reductions.sum(this, null, false);
    }

    public Tensor sum(int dim, boolean keepdim) {
        return Reductions.sum(this, new int[] {dim}, keepdim);
    }

    public Tensor sum(int[] dims, boolean keepdim) {
        return Reductions.sum(this, dims, keepdim);
    }

    public Tensor mean() {
        return Reductions.mean(this, null, false);
    }

    public Tensor mean(int dim, boolean keepdim) {
        return Reductions.mean(this, new int[] {dim}, keepdim);
    }

    public Tensor mean(int[] dims, boolean keepdim) {
        return Reductions.mean(this, dims, keepdim);
    }

    /** Largest element (0-dim). */
    public Tensor max() {
        return Reductions.extreme(reshape(-1), 0, false, true).values();
    }

    /** Largest elements along {@code dim} and their indices. */
    public ValuesIndices max(int dim, boolean keepdim) {
        return Reductions.extreme(this, dim, keepdim, true);
    }

    public Tensor min() {
        return Reductions.extreme(reshape(-1), 0, false, false).values();
    }

    public ValuesIndices min(int dim, boolean keepdim) {
        return Reductions.extreme(this, dim, keepdim, false);
    }

    /** Index of the largest element of the flattened tensor. */
    public Tensor argmax() {
        return Reductions.extreme(reshape(-1), 0, false, true).indices();
    }

    public Tensor argmax(int dim, boolean keepdim) {
        return max(dim, keepdim).indices();
    }

    public Tensor argmin(int dim, boolean keepdim) {
        return min(dim, keepdim).indices();
    }

    /** Variance over {@code dims} (all when null); unbiased divides by n−1. */
    public Tensor var(int[] dims, boolean unbiased, boolean keepdim) {
        return Reductions.var(this, dims, unbiased, keepdim);
    }

    public Tensor var() {
        return var(null, true, false);
    }

    public Tensor std(int[] dims, boolean unbiased, boolean keepdim) {
        return var(dims, unbiased, keepdim).sqrt();
    }

    public Tensor std() {
        return var().sqrt();
    }

    /** log Σ exp(x) over {@code dims}, computed stably. */
    public Tensor logsumexp(int[] dims, boolean keepdim) {
        return Reductions.logsumexp(this, dims, keepdim);
    }

    /** p-norm over {@code dims} (all when null); p may be infinite. */
    public Tensor norm(double p, int[] dims, boolean keepdim) {
        return Reductions.norm(this, p, dims, keepdim);
    }

    public Tensor norm() {
        return norm(2, null, false);
    }

    // ---------------------------------------------------------------- linear algebra, indexing

    /**
     * torch.nn.functional.linear: {@code input·weightᵀ + bias} for input [*, in], weight
     * [out, in] and bias [out] or null; the result is [*, out]. One GEMM and one autograd node
     * for a matrix input (see {@code LinearAlgebra.linear}).
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(input, weight, bias);
    }

    /** torch.matmul: dot, matrix-vector, matrix-matrix, and batched with broadcast batch dims. */
    public Tensor matmul(Tensor o) {
        return LinearAlgebra.matmul(this, o);
    }

    /** Batched product of {@code [B, n, m]} and {@code [B, m, p]}. */
    public Tensor bmm(Tensor o) {
        return LinearAlgebra.bmm(this, o);
    }

    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    /** Out-of-place scatter_add: a copy of this with {@code src} added at {@code index} along dim. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return Indexing.scatterAdd(this, dim, index, src);
    }

    public Tensor indexSelect(int dim, Tensor index) {
        return Indexing.indexSelect(this, dim, index);
    }

    /** Rows of {@code weight} ([num, dim]) at int64 {@code indices}: result shape indices + [dim]. */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        return Indexing.embedding(weight, indices);
    }

    /** int64 one-hot encoding with a trailing dimension of {@code numClasses} (-1: max index + 1). */
    public static Tensor oneHot(Tensor indices, int numClasses) {
        return Indexing.oneHot(indices, numClasses);
    }

    // ---------------------------------------------------------------- in place

    public Tensor add_(Tensor o) {
        return InPlace.binary("add_", BinaryOp.ADD, this, o);
    }

    /** this += alpha·o, rounded once (as PyTorch's fused kernel). */
    public Tensor add_(Tensor o, double alpha) {
        return InPlace.axpy("add_", this, o, alpha);
    }

    /** this ← beta·this + alpha·o in one pass (equal to {@code mul_(beta).add_(o, alpha)}). */
    public Tensor mulAdd_(double beta, Tensor o, double alpha) {
        return InPlace.axpby("mulAdd_", this, beta, o, alpha);
    }

    public Tensor add_(double s) {
        return InPlace.binary("add_", BinaryOp.ADD, this, Pointwise.scalarLike(s, this));
    }

    public Tensor sub_(Tensor o) {
        return InPlace.binary("sub_", BinaryOp.SUB, this, o);
    }

    public Tensor mul_(Tensor o) {
        return InPlace.binary("mul_", BinaryOp.MUL, this, o);
    }

    public Tensor mul_(double s) {
        return InPlace.binary("mul_", BinaryOp.MUL, this, Pointwise.scalarLike(s, this));
    }

    public Tensor div_(Tensor o) {
        return InPlace.binary("div_", BinaryOp.DIV, this, o);
    }

    public Tensor div_(double s) {
        return InPlace.binary("div_", BinaryOp.DIV, this, Pointwise.scalarLike(s, this));
    }

    /** this += value · t1 · t2, evaluated as ((value·t1)·t2) like PyTorch's kernel. */
    public Tensor addcmul_(Tensor t1, Tensor t2, double value) {
        try (var ignored = GradMode.noGrad()) {
            return add_(t1.mul(value).mul(t2));
        }
    }

    /** this += value · t1 / t2, evaluated as ((value·t1)/t2) like PyTorch's kernel. */
    public Tensor addcdiv_(Tensor t1, Tensor t2, double value) {
        try (var ignored = GradMode.noGrad()) {
            return add_(t1.mul(value).div(t2));
        }
    }

    /**
     * this ← this + weight·(end − this); for weight ≥ 0.5 computed as end − (end − this)(1 − weight),
     * PyTorch's formulation, which is exact at weight = 1.
     */
    public Tensor lerp_(Tensor end, double weight) {
        Tensor next;
        try (var ignored = GradMode.noGrad()) {
            Tensor diff = end.sub(this);
            next = weight < 0.5 ? this.add(diff.mul(weight)) : end.sub(diff.mul(1 - weight));
        }
        return copy_(next);
    }

    /** Copies {@code src} (broadcast, converted, moved as needed) into this tensor. */
    public Tensor copy_(Tensor src) {
        return InPlace.copy(this, src);
    }

    public Tensor zero_() {
        return fill_(0);
    }

    public Tensor fill_(double value) {
        return InPlace.fill(this, value);
    }

    public Tensor clamp_(double min, double max) {
        return InPlace.unary("clamp_", UnaryOp.CLAMP, this, min, max);
    }

    public Tensor sqrt_() {
        return InPlace.unary("sqrt_", UnaryOp.SQRT, this, 0, 0);
    }

    // ---------------------------------------------------------------- comparison helpers

    /** |this − other| ≤ atol + rtol·|other| everywhere (NaNs compare unequal). */
    public boolean allclose(Tensor other, double rtol, double atol) {
        double[] a = toDoubleArray();
        double[] b = other.expand(shape).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) {
                return false;
            }
        }
        return true;
    }

    /** Formatted like PyTorch's {@code repr}, e.g. {@code tensor([1., 2.], requires_grad=True)}. */
    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }
}
