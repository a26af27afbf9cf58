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
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * The {@code cuda} device through JCuda's driver API: device memory per storage, and every
 * primitive of the SPI as a kernel of Ignis' own (ignis_kernels.cu, loaded as PTX). It registers
 * no kernel families yet, so convolution, pooling, norms, softmax and losses run their references
 * on these primitives; GEMM is a plain kernel (one thread per output), not cuBLAS. Ranked below the
 * CPU: tensors go to the GPU when asked ({@code to("cuda")}).
 *
 * <p>First step of the CUDA issue: device 0 only, one stream (the legacy default), no caching
 * allocator (memory is freed by {@link #release} or when a storage is collected).
 */
public final class CudaBackend implements Backend {
    static final Device DEVICE = new Device(DeviceType.CUDA, 0);
    /** bmm_f32_tiled's tile edge (TILE in ignis_kernels.cu) and the most batches one grid's z holds. */
    private static final int TILE = 16;
    private static final long MAX_GRID_Z = 65_535;

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
            return Availability.yes(count + " device(s); cuda:0 is " + CudaDriver.device0().description());
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

    private void launchReduceRows(long rows, long n, int code, View dense, View out, View indices) {
        CUdeviceptr idx = indices == null ? new CUdeviceptr() : ptr(indices);
        driver().launch("reduce_rows", rows, Pointer.to(new long[] {rows}), Pointer.to(new long[] {n}),
                Pointer.to(new int[] {code}), Pointer.to(new long[] {CudaCodes.dtype(dense.dtype())}),
                Pointer.to(ptr(dense)), Pointer.to(new long[] {dense.offset()}),
                Pointer.to(new long[] {CudaCodes.dtype(out.dtype())}), Pointer.to(ptr(out)),
                Pointer.to(new long[] {out.offset()}), Pointer.to(idx),
                Pointer.to(new long[] {indices == null ? 0 : indices.offset()}));
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
        byte[] geo = Geo.ofStrides(new long[][] {{a.stride(0), a.stride(1), a.stride(2)},
            {b.stride(0), b.stride(1), b.stride(2)}}, new long[] {a.offset(), b.offset(), out.offset()},
                new long[] {CudaCodes.dtype(a.dtype()), CudaCodes.dtype(b.dtype()), CudaCodes.dtype(out.dtype())});
        Pointer[] params = {Pointer.to(geo), Pointer.to(new long[] {batches}), Pointer.to(new long[] {m}),
            Pointer.to(new long[] {n}), Pointer.to(new long[] {k}), Pointer.to(ptr(a)), Pointer.to(ptr(b)),
            Pointer.to(ptr(out))};
        boolean f32 = a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32;
        if (f32 && batches <= MAX_GRID_Z && batches * m * n > 0) {
            driver().launchGrid("bmm_f32_tiled", (int) ((n + TILE - 1) / TILE), (int) ((m + TILE - 1) / TILE),
                    (int) batches, TILE, TILE, params);
        } else {
            driver().launch("bmm", batches * m * n, params);
        }
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
