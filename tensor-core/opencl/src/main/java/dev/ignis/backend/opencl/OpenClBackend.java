package dev.ignis.backend.opencl;

import com.aparapi.device.OpenCLDevice;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code opencl} device through Aparapi 3.0.2: for machines with an AMD, Intel or NVIDIA GPU
 * but no CUDA libraries, and the accelerator path CI runs on a real OpenCL runtime (PoCL). Tensors
 * live in device arenas ({@link ArenaKernel}) and stay there across ops and steps; data crosses
 * only at {@code to(device)}, reads and index uploads ({@link #transfers()} counts it). Every
 * primitive is one dispatch of the arena kernel; no kernel families are registered yet, so
 * convolution, pooling, norms, softmax and losses run their references on these primitives.
 *
 * <p>Devices: {@code opencl:0} is the first OpenCL GPU; a CPU OpenCL device (PoCL's) only when
 * asked for with {@code -Dignis.opencl.allowCpu=true}, and then only where no GPU is. Ranked below
 * the CPU and CUDA, so tensors go to it when asked ({@code to("opencl")}).
 */
public final class OpenClBackend implements Backend {
    static final Device DEVICE = new Device(DeviceType.OPENCL, 0);
    private static volatile OpenClDevice device;

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public DeviceType deviceType() {
        return DeviceType.OPENCL;
    }

    @Override
    public int rank() {
        return -2;
    }

    /** Every OpenCL device Aparapi finds, GPUs first; empty without an OpenCL runtime. */
    static List<OpenCLDevice> listDevices() {
        List<OpenCLDevice> all = new ArrayList<>();
        try {
            all.addAll(OpenCLDevice.listDevices(com.aparapi.device.Device.TYPE.GPU));
            all.addAll(OpenCLDevice.listDevices(com.aparapi.device.Device.TYPE.CPU));
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
        return all;
    }

    /** The device Ignis uses: the first GPU, else a CPU device when allowed; null when none. */
    private static OpenCLDevice chosen(List<OpenCLDevice> devices) {
        boolean allowCpu = Boolean.getBoolean("ignis.opencl.allowCpu");
        for (OpenCLDevice d : devices) {
            if (d.getType() == com.aparapi.device.Device.TYPE.GPU
                    || (allowCpu && d.getType() == com.aparapi.device.Device.TYPE.CPU)) {
                return d;
            }
        }
        return null;
    }

    @Override
    public Availability probe() {
        List<OpenCLDevice> devices = listDevices();
        if (devices.isEmpty()) {
            return Availability.no("no OpenCL device (no OpenCL runtime, or none of its platforms has a device)");
        }
        OpenCLDevice use = chosen(devices);
        StringBuilder found = new StringBuilder();
        for (OpenCLDevice d : devices) {
            found.append(found.length() == 0 ? "" : "; ").append(d.getOpenCLPlatform().getName()).append(": ")
                    .append(d.getName()).append(" (").append(d.getType()).append(')');
        }
        if (use == null) {
            return Availability.no("no OpenCL GPU (found " + found + "; a CPU device is used only with"
                    + " -Dignis.opencl.allowCpu=true)");
        }
        try {
            return Availability.yes("opencl:0 = " + device().describe() + ", local size " + device().localSize()
                    + "; found " + found);
        } catch (RuntimeException e) {
            return Availability.no("OpenCL device " + use.getName() + " did not initialise: " + e.getMessage());
        }
    }

    static OpenClDevice device() {
        OpenClDevice d = device;
        if (d == null) {
            synchronized (OpenClBackend.class) {
                if (device == null) {
                    OpenCLDevice use = chosen(listDevices());
                    if (use == null) {
                        throw new IllegalStateException("opencl: no usable OpenCL device (see bin/ignis info)");
                    }
                    device = new OpenClDevice(use);
                }
                d = device;
            }
        }
        return d;
    }

    /**
     * Bytes of device memory held by live storages, like {@code torch.cuda.memory_allocated()}: what
     * tensors not yet released (by their {@code MemoryScope}, explicitly, or by the collector) hold.
     */
    public static long memoryAllocated() {
        return device().memoryAllocated();
    }

    /** Host↔device transfers of tensor data and dispatches so far, for measuring a training step. */
    public static OpenClTransfers transfers() {
        return device().transfers();
    }

    private static void checkDevice(Device d) {
        if (!d.equals(DEVICE)) {
            throw new UnsupportedOperationException("opencl: only " + DEVICE + " is supported so far, not " + d);
        }
    }

    private ArenaKernel kernel() {
        return device().kernel();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(DType dtype, int size, Device d) {
        checkDevice(d);
        OpenClStorage s = new OpenClStorage(this, d, device(), dtype, size);
        if (size > 0) {
            fill(View.contiguous(s, size), 0.0);
        }
        return s;
    }

    @Override
    public void release(Storage storage) {
        ((OpenClStorage) storage).free();
    }

    @Override
    public Storage fromJavaArray(Object array, DType dtype, Device d) {
        checkDevice(d);
        int n = java.lang.reflect.Array.getLength(array);
        OpenClStorage s = new OpenClStorage(this, d, device(), dtype, n);
        device().upload(array, dtype, s.base(), n);
        return s;
    }

    @Override
    public Object toJavaArray(View view) {
        synchronized (device()) {
            Geometry.of(kernel().g, view.shape(), view);
            return device().download(view.dtype(), view.numel());
        }
    }

    // Each primitive sets the kernel's geometry and scalars and dispatches, holding the device so
    // that no other thread's dispatch changes them in between.

    @Override
    public void copy(View src, View dst) {
        run("copy", ArenaKernel.COPY, 0, dst.numel(), dst.shape(), src, dst);
    }

    @Override
    public void fill(View dst, double value) {
        synchronized (device()) {
            kernel().p = value;
            run("fill", ArenaKernel.FILL, 0, dst.numel(), dst.shape(), dst);
        }
    }

    private void run(String name, int op, int code, int items, int[] shape, View... views) {
        OpenClDevice d = device();
        synchronized (d) {
            ArenaKernel k = d.kernel();
            Geometry.of(k.g, shape, views);
            k.op = op;
            k.code = code;
            if (items > 0) {
                d.dispatch(name, items);
            }
        }
    }

    // ---------------------------------------------------------------- primitives

    @Override
    public void unary(UnaryOp op, View x, double p, double q, View out) {
        synchronized (device()) {
            kernel().p = p;
            kernel().q = q;
            run("unary " + op, ArenaKernel.UNARY, op.ordinal(), out.numel(), out.shape(), x, out);
        }
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        run("binary " + op, ArenaKernel.BINARY, op.ordinal(), out.numel(), out.shape(), a, b, out);
    }

    @Override
    public void axpy(double alpha, View x, View y) {
        axpby(y.dtype() == DType.FLOAT32 ? (float) alpha : alpha, x, 1.0, y);
    }

    @Override
    public void axpby(double alpha, View x, double beta, View y) {
        synchronized (device()) {
            kernel().p = alpha;
            kernel().q = beta;
            run("axpby", ArenaKernel.AXPBY, 0, y.numel(), y.shape(), x, y);
        }
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        run("where", ArenaKernel.WHERE, 0, out.numel(), out.shape(), cond, a, b, out);
    }

    @Override
    public void reduceRows(ReduceOp op, View x, View out, View indices) {
        View dense = x;
        if (!x.isContiguous()) {
            dense = View.contiguous(allocate(x.dtype(), x.numel(), DEVICE), x.shape());
            copy(x, dense);
        }
        int rows = dense.size(0);
        synchronized (device()) {
            kernel().rowLength = dense.size(1);
            // operands by their first element only: the kernel walks rows itself
            run("reduceRows " + op, ArenaKernel.REDUCE, op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? 1 : 2,
                    rows, new int[] {rows}, dense, out, indices);
        }
        if (dense != x) {
            release(dense.storage());
        }
    }

    @Override
    public void bmm(View a, View b, View out) {
        int batches = a.size(0);
        int m = a.size(1);
        int n = b.size(2);
        OpenClDevice d = device();
        synchronized (d) {
            ArenaKernel k = d.kernel();
            k.mm = m;
            k.nn = n;
            k.kk = a.size(2);
            // operand strides by (batch, row, col): a and b as they are, out contiguous
            int tile = ArenaKernel.TILE;
            boolean f32 = a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32;
            if (f32 && d.groupsOf(tile * tile) && batches * m * n > 0) {
                Geometry.of(k.g, new int[] {batches, m, n}, a, b, out);
                k.op = ArenaKernel.BMM_TILED;
                k.code = 0;
                d.dispatchGroups("bmm (tiled)", batches * ((m + tile - 1) / tile) * ((n + tile - 1) / tile),
                        tile * tile);
            } else {
                run("bmm", ArenaKernel.BMM, 0, batches * m * n, new int[] {batches, m, n}, a, b, out);
            }
        }
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        synchronized (device()) {
            kernel().dim = dim;
            run("gather", ArenaKernel.GATHER, 0, index.numel(), index.shape(), index, out, x);
        }
    }

    @Override
    public void scatterAdd(View target, int dim, View index, View src) {
        synchronized (device()) {
            kernel().dim = dim;
            run("scatterAdd", ArenaKernel.SCATTER_ADD, 0, slices(index, dim), index.shape(), index, src, target);
        }
    }

    @Override
    public void indexSelect(View x, int dim, long[] index, View out) {
        selectOrAdd("indexSelect", ArenaKernel.INDEX_SELECT, out, x, dim, index, out.numel());
    }

    @Override
    public void indexAdd(View target, int dim, long[] index, View src) {
        selectOrAdd("indexAdd", ArenaKernel.INDEX_ADD, src, target, dim, index, slices(src, dim));
    }

    /** Work items of the adding index ops: one per slice along {@code dim} (each adds its slice in order). */
    private static int slices(View v, int dim) {
        return v.size(dim) == 0 ? 0 : v.numel() / v.size(dim);
    }

    /** Over dense's shape, whose coordinate k along dim is index[k] in indexed: copy, or (a work item per slice) add. */
    private void selectOrAdd(String name, int op, View dense, View indexed, int dim, long[] index, int items) {
        if (index.length == 0 || dense.numel() == 0) {
            return;
        }
        OpenClDevice d = device();
        synchronized (d) {
            d.stageIndices(index);
            kernel().dim = dim;
            run(name, op, 0, items, dense.shape(), dense, indexed);
        }
    }

    @Override
    public void fillRandom(View dst, CounterRandom.Distribution distribution, long seed) {
        synchronized (device()) {
            kernel().seed = seed;
            run("fillRandom", ArenaKernel.RANDOM, distribution == CounterRandom.Distribution.NORMAL ? 1 : 0,
                    dst.numel(), dst.shape(), dst);
        }
    }
}
