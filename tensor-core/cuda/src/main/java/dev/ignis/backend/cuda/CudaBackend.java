package dev.ignis.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import dev.ignis.backend.Availability;
import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.CounterRandom;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.Storage;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * The {@code cuda} device through JCuda's driver API: device memory per storage, and every
 * primitive of the SPI as a kernel of Ignis' own (ignis_kernels.cu, loaded as PTX). It registers
 * no kernel families yet, so convolution, pooling, norms, softmax and losses run their references
 * on these primitives. GEMM goes through cuBLAS where the system has it ({@link Cublas}), else
 * Ignis' own tiled kernel. Ranked below the CPU: tensors go to the GPU when asked
 * ({@code to("cuda")}).
 *
 * <p>Device 0 only, one stream (the legacy default), memory from a caching allocator
 * ({@link CudaAllocator}): released storages go back to it at once, collected ones through a Cleaner.
 */
public final class CudaBackend implements Backend {
    static final Device DEVICE = new Device(DeviceType.CUDA, 0);
    /** bmm_f32_tiled's tile edge (TILE in ignis_kernels.cu) and the most batches one grid's z holds. */
    private static final int TILE = 16;
    private static final long MAX_GRID_Z = 65_535;
    /** reduce_rows_block's threads per row (ROW_THREADS in ignis_kernels.cu), and the row length from which it runs. */
    private static final int ROW_THREADS = 256;
    private static final long BLOCK_ROW = 1024;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public DeviceType deviceType() {
        return DeviceType.CUDA;
    }

    @Override
    public int rank() {
        return -1;
    }

    @Override
    public Availability probe() {
        try {
            int count = CudaDriver.deviceCount();
            if (count == 0) {
                return Availability.no("no CUDA device (the driver reports none)");
            }
            CudaDriver.device0();   // fails here, not at the first tensor, if the kernels do not load
            StringBuilder devices = new StringBuilder();
            for (int i = 0; i < count; i++) {
                devices.append(i == 0 ? "" : "; ").append("cuda:").append(i).append(' ')
                        .append(CudaDriver.describe(i));
            }
            return Availability.yes(count + " device(s): " + devices + (count > 1 ? " (Ignis uses cuda:0 so far)" : ""));
        } catch (LinkageError e) {
            // JCuda's natives load libcuda.so.1, which only an NVIDIA driver installs
            return Availability.no("no CUDA driver (JCuda's driver library did not load: " + firstLine(e) + ")");
        } catch (RuntimeException e) {
            return Availability.no("CUDA did not initialise: " + e.getMessage());
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static CudaDriver driver() {
        return CudaDriver.device0();
    }

    private static CUdeviceptr ptr(View v) {
        return ((CudaStorage) v.storage()).pointer();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(DType dtype, int size, Device device) {
        checkDevice(device);
        return new CudaStorage(this, dtype, size);
    }

    @Override
    public void release(Storage storage) {
        ((CudaStorage) storage).free();
    }

    private static void checkDevice(Device device) {
        if (!device.equals(DEVICE)) {
            throw new UnsupportedOperationException("cuda: only " + DEVICE + " is supported so far, not " + device);
        }
    }

    @Override
    public Storage fromJavaArray(Object array, DType dtype, Device device) {
        checkDevice(device);
        int n = java.lang.reflect.Array.getLength(array);
        CudaStorage s = new CudaStorage(this, dtype, n);
        if (n > 0) {
            cuMemcpyHtoD(s.pointer(), host(array), (long) n * CudaStorage.itemBytes(dtype));
        }
        return s;
    }

    private static Pointer host(Object array) {
        if (array instanceof float[] f) {
            return Pointer.to(f);
        }
        if (array instanceof double[] d) {
            return Pointer.to(d);
        }
        if (array instanceof long[] l) {
            return Pointer.to(l);
        }
        boolean[] b = (boolean[]) array;
        byte[] bytes = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            bytes[i] = (byte) (b[i] ? 1 : 0);
        }
        return Pointer.to(bytes);
    }

    @Override
    public Object toJavaArray(View view) {
        View dense = view;
        if (!view.isContiguous()) {
            dense = View.contiguous(allocate(view.dtype(), view.numel(), DEVICE), view.shape());
            copy(view, dense);
        }
        int n = view.numel();
        int item = CudaStorage.itemBytes(view.dtype());
        Object out = switch (view.dtype()) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case BOOL -> new byte[n];
        };
        if (n > 0) {
            Pointer target = out instanceof float[] f ? Pointer.to(f) : out instanceof double[] d ? Pointer.to(d)
                    : out instanceof long[] l ? Pointer.to(l) : Pointer.to((byte[]) out);
            cuMemcpyDtoH(target, ptr(dense).withByteOffset((long) dense.offset() * item), (long) n * item);
        }
        if (dense != view) {
            release(dense.storage());   // the copy is on the host now (cuMemcpyDtoH waited for it)
        }
        if (out instanceof byte[] bytes) {
            boolean[] b = new boolean[n];
            for (int i = 0; i < n; i++) {
                b[i] = bytes[i] != 0;
            }
            return b;
        }
        return out;
    }

    @Override
    public void copy(View src, View dst) {
        driver().launch("ew_copy", dst.numel(), Pointer.to(Geo.of(dst.shape(), src, dst)), Pointer.to(ptr(src)),
                Pointer.to(ptr(dst)));
    }

    @Override
    public void fill(View dst, double value) {
        driver().launch("ew_fill", dst.numel(), Pointer.to(Geo.of(dst.shape(), dst)), Pointer.to(new double[] {value}),
                Pointer.to(ptr(dst)));
    }

    // ---------------------------------------------------------------- primitives

    @Override
    public void unary(UnaryOp op, View x, double p, double q, View out) {
        driver().launch("ew_unary", out.numel(), Pointer.to(Geo.of(out.shape(), x, out)),
                Pointer.to(new int[] {CudaCodes.unary(op)}), Pointer.to(new double[] {p}), Pointer.to(new double[] {q}),
                Pointer.to(ptr(x)), Pointer.to(ptr(out)));
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        driver().launch("ew_binary", out.numel(), Pointer.to(Geo.of(out.shape(), a, b, out)),
                Pointer.to(new int[] {CudaCodes.binary(op)}), Pointer.to(ptr(a)), Pointer.to(ptr(b)),
                Pointer.to(ptr(out)));
    }

    @Override
    public void axpy(double alpha, View x, View y) {
        axpby(y.dtype() == DType.FLOAT32 ? (float) alpha : alpha, x, 1.0, y);
    }

    @Override
    public void axpby(double alpha, View x, double beta, View y) {
        driver().launch("ew_axpby", y.numel(), Pointer.to(Geo.of(y.shape(), x, y)), Pointer.to(new double[] {alpha}),
                Pointer.to(new double[] {beta}), Pointer.to(ptr(x)), Pointer.to(ptr(y)));
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        driver().launch("ew_where", out.numel(), Pointer.to(Geo.of(out.shape(), cond, a, b, out)),
                Pointer.to(ptr(cond)), Pointer.to(ptr(a)), Pointer.to(ptr(b)), Pointer.to(ptr(out)));
    }

    @Override
    public void reduceRows(ReduceOp op, View x, View out, View indices) {
        View dense = x.isContiguous() ? x : contiguous(x);
        long rows = dense.size(0);
        long n = dense.size(1);
        int code = op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? 1 : 2;
        launchReduceRows(rows, n, code, dense, out, indices);
        if (dense != x) {
            // back to the cache: work queued later on the one stream runs after this kernel
            release(dense.storage());
        }
    }

    /**
     * Rows of at least {@link #BLOCK_ROW} elements get a block each (reduce_rows_block), shorter
     * ones a thread each (reduce_rows): a thread per long row left BatchNorm's per-channel sums
     * over N·H·W elements to 32 threads of the whole GPU.
     */
    private void launchReduceRows(long rows, long n, int code, View dense, View out, View indices) {
        CUdeviceptr idx = indices == null ? new CUdeviceptr() : ptr(indices);
        Pointer[] operands = {Pointer.to(new int[] {code}), Pointer.to(new long[] {CudaCodes.dtype(dense.dtype())}),
            Pointer.to(ptr(dense)), Pointer.to(new long[] {dense.offset()}),
            Pointer.to(new long[] {CudaCodes.dtype(out.dtype())}), Pointer.to(ptr(out)),
            Pointer.to(new long[] {out.offset()}), Pointer.to(idx),
            Pointer.to(new long[] {indices == null ? 0 : indices.offset()})};
        if (n >= BLOCK_ROW && rows <= Integer.MAX_VALUE && n > 0) {
            driver().launchGrid("reduce_rows_block", (int) rows, 1, 1, ROW_THREADS, 1,
                    prepend(Pointer.to(new long[] {n}), operands));
        } else {
            driver().launch("reduce_rows", rows, prepend(Pointer.to(new long[] {rows}),
                    prepend(Pointer.to(new long[] {n}), operands)));
        }
    }

    private static Pointer[] prepend(Pointer first, Pointer[] rest) {
        Pointer[] all = new Pointer[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private View contiguous(View v) {
        View c = View.contiguous(allocate(v.dtype(), v.numel(), DEVICE), v.shape());
        copy(v, c);
        return c;
    }

    @Override
    public void bmm(View a, View b, View out) {
        long batches = a.size(0);
        long m = a.size(1);
        long k = a.size(2);
        long n = b.size(2);
        if (batches * m * n == 0) {
            return;
        }
        if (cublasBmm(a, b, out)) {
            return;
        }
        byte[] geo = Geo.ofStrides(new long[][] {{a.stride(0), a.stride(1), a.stride(2)},
            {b.stride(0), b.stride(1), b.stride(2)}}, new long[] {a.offset(), b.offset(), out.offset()},
                new long[] {CudaCodes.dtype(a.dtype()), CudaCodes.dtype(b.dtype()), CudaCodes.dtype(out.dtype())});
        Pointer[] params = {Pointer.to(geo), Pointer.to(new long[] {batches}), Pointer.to(new long[] {m}),
            Pointer.to(new long[] {n}), Pointer.to(new long[] {k}), Pointer.to(ptr(a)), Pointer.to(ptr(b)),
            Pointer.to(ptr(out))};
        boolean f32 = a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32;
        if (f32 && batches <= MAX_GRID_Z) {
            driver().launchGrid("bmm_f32_tiled", (int) ((n + TILE - 1) / TILE), (int) ((m + TILE - 1) / TILE),
                    (int) batches, TILE, TILE, params);
        } else {
            driver().launch("bmm", batches * m * n, params);
        }
    }

    /**
     * {@link #bmm} through cuBLAS' strided-batched GEMM, when cuBLAS is there, the three views
     * share dtype float32 or float64, k > 0 and every matrix is laid out as cuBLAS reads it; false
     * (nothing done) otherwise.
     */
    private static boolean cublasBmm(View a, View b, View out) {
        DType t = out.dtype();
        if ((t != DType.FLOAT32 && t != DType.FLOAT64) || a.dtype() != t || b.dtype() != t || a.size(2) == 0
                || a.size(0) > Integer.MAX_VALUE || Cublas.get().isEmpty()) {
            return false;
        }
        Optional<Cublas.Operand> oa = operand(a, false);
        Optional<Cublas.Operand> ob = operand(b, false);
        Optional<Cublas.Operand> oc = operand(out, true);
        if (oa.isEmpty() || ob.isEmpty() || oc.isEmpty()) {
            return false;
        }
        Cublas.get().get().bmm(a.size(0), a.size(1), b.size(2), a.size(2), oa.get(), ob.get(), oc.get(),
                Cuda.allowTf32());
        return true;
    }

    private static Optional<Cublas.Operand> operand(View v, boolean mustBeRowMajor) {
        int item = v.dtype().itemSize();
        long address = ((CudaStorage) v.storage()).address() + (long) v.offset() * item;
        return Cublas.Operand.of(address, v.size(1), v.size(2), v.stride(1), v.stride(2),
                v.size(0) == 1 ? 0 : v.stride(0), item, mustBeRowMajor);
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        gatherScatter(index, out, x, dim, false);
    }

    @Override
    public void scatterAdd(View target, int dim, View index, View src) {
        gatherScatter(index, src, target, dim, true);
    }

    /** Over index's shape: dense[p] = indexed[..index[p]..], or with {@code scatter} indexed[..] += dense[p]. */
    private void gatherScatter(View index, View dense, View indexed, int dim, boolean scatter) {
        driver().launch("gather_scatter", index.numel(), Pointer.to(Geo.of(index.shape(), index, dense, indexed)),
                Pointer.to(new int[] {dim}), Pointer.to(new int[] {scatter ? 1 : 0}), Pointer.to(ptr(index)),
                Pointer.to(ptr(dense)), Pointer.to(ptr(indexed)));
    }

    @Override
    public void indexSelect(View x, int dim, long[] index, View out) {
        selectOrAdd(out, x, dim, index, false);
    }

    @Override
    public void indexAdd(View target, int dim, long[] index, View src) {
        selectOrAdd(src, target, dim, index, true);
    }

    /** Over dense's shape, whose coordinate k along dim is index[k] in indexed: copy, or add into indexed. */
    private void selectOrAdd(View dense, View indexed, int dim, long[] index, boolean add) {
        if (index.length == 0 || dense.numel() == 0) {
            return;
        }
        CudaStorage indices = (CudaStorage) fromJavaArray(index, DType.INT64, DEVICE);
        try {
            driver().launch("index_select_add", dense.numel(), Pointer.to(Geo.of(dense.shape(), dense, indexed)),
                    Pointer.to(new int[] {dim}), Pointer.to(new int[] {add ? 1 : 0}), Pointer.to(indices.pointer()),
                    Pointer.to(ptr(dense)), Pointer.to(ptr(indexed)));
        } finally {
            indices.free();
        }
    }

    @Override
    public void fillRandom(View dst, CounterRandom.Distribution distribution, long seed) {
        driver().launch("fill_random", dst.numel(), Pointer.to(Geo.of(dst.shape(), dst)),
                Pointer.to(new int[] {distribution == CounterRandom.Distribution.NORMAL ? 1 : 0}),
                Pointer.to(new long[] {seed}), Pointer.to(ptr(dst)));
    }

    /** Bytes of one element as the kernels store it (bool as a byte), for tests. */
    static int itemBytes(DType dtype) {
        return dtype == DType.BOOL ? Sizeof.BYTE : dtype.itemSize();
    }
}
