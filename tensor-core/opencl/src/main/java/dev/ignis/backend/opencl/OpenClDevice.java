package dev.ignis.backend.opencl;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.exception.QueryFailedException;
import dev.ignis.tensor.DType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One OpenCL device as Ignis uses it: the {@link ArenaKernel} compiled for it (explicit buffer
 * management: nothing moves between host and device unless {@link #upload} or {@link #download}
 * says so), the arenas' allocator, and the dispatch of one primitive at a time (Aparapi's kernel
 * object is not thread-safe, so dispatches are serialised).
 *
 * <p>No silent fallback: the kernel is compiled for this device up front (a kernel Aparapi cannot
 * translate or the driver cannot build fails here, naming both), the local size comes from the
 * device's and the compiled kernel's limits, and after every dispatch the device that ran it is
 * checked: Aparapi runs a kernel that fails on OpenCL in Java threads instead, which is reported
 * as an error naming the primitive and the device.
 */
final class OpenClDevice {
    /** Arena sizes in elements, by dtype code (bool, int64, float32, float64). */
    private static final int[] DEFAULT_ARENA = {16 << 20, 4 << 20, 32 << 20, 4 << 20};

    private final OpenCLDevice device;
    private final ArenaKernel kernel;
    private final ArenaAllocator[] arenas = new ArenaAllocator[4];
    private int localSize;
    private int maxLocalSize;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong downloadedBytes = new AtomicLong();
    private final AtomicLong dispatches = new AtomicLong();

    /** The device with arenas of the default sizes times {@code -Dignis.opencl.arenaScale} (default 1). */
    OpenClDevice(OpenCLDevice device) {
        this(device, scaled(Integer.getInteger("ignis.opencl.arenaScale", 1)));
    }

    private static int[] scaled(int scale) {
        int[] sizes = new int[4];
        for (int t = 0; t < 4; t++) {
            sizes[t] = Math.multiplyExact(DEFAULT_ARENA[t], scale);
        }
        return sizes;
    }

    /** @param arenaSizes elements of the bool, int64, float32 and float64 arenas */
    OpenClDevice(OpenCLDevice device, int[] arenaSizes) {
        this(device, new ArenaKernel(arenaSizes[0], arenaSizes[1], arenaSizes[2], arenaSizes[3]));
    }

    /**
     * The device with this kernel object (its arenas' lengths the arena sizes). Aparapi records
     * fallbacks per kernel class, so tests that provoke one use a subclass of their own.
     */
    OpenClDevice(OpenCLDevice device, ArenaKernel kernel) {
        this.device = device;
        this.kernel = kernel;
        int[] sizes = {kernel.b.length, kernel.l.length, kernel.f.length, kernel.d.length};
        for (int t = 0; t < 4; t++) {
            arenas[t] = new ArenaAllocator(sizes[t]);
        }
        kernel.setExplicit(true);
        try {
            kernel.compile(device);
        } catch (CompileFailedException e) {
            throw new IllegalStateException("opencl: the kernel did not compile for " + describe() + ": "
                    + e.getMessage(), e);
        }
        int kernelLimit;
        try {
            kernelLimit = kernel.getKernelMaxWorkGroupSize(device);
        } catch (QueryFailedException e) {
            kernelLimit = 64;
        }
        maxLocalSize = Math.max(1, Math.min(device.getMaxWorkGroupSize(), kernelLimit));
        localSize = Math.min(64, maxLocalSize);
        kernel.put(kernel.b).put(kernel.l).put(kernel.f).put(kernel.d);
        kernel.put(kernel.sb).put(kernel.sl).put(kernel.sf).put(kernel.sd);
    }

    String describe() {
        return device.getShortDescription() + " " + device.getName() + " (" + device.getType() + ")";
    }

    OpenCLDevice device() {
        return device;
    }

    int localSize() {
        return localSize;
    }

    /** Tests only: another local size, e.g. one above the device's limit to make Aparapi fall back. */
    void overrideLocalSize(int size) {
        localSize = size;
    }

    ArenaKernel kernel() {
        return kernel;
    }

    /**
     * An arena range of {@code size} elements of {@code dtype}, or an error naming the arena. Tensors
     * that were dropped without {@code release} give their ranges back only once the garbage
     * collector finds them, and device memory does not press on the Java heap: so a full arena
     * first asks for a collection and waits (up to a second) for the storages' cleaners, as
     * PyTorch's allocator frees its cache and retries before it reports out of memory.
     */
    int allocate(DType dtype, int size) {
        ArenaAllocator arena = arenas[OpenClCodes.dtype(dtype)];
        int n = Math.max(size, 1);
        int start = arena.tryAllocate(n);
        for (int attempt = 0; start < 0 && attempt < 20; attempt++) {
            System.gc();
            try {
                Thread.sleep(attempt == 0 ? 1 : 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            start = arena.tryAllocate(n);
        }
        return start >= 0 ? start : arena.allocate(n, dtype);
    }

    void free(DType dtype, int base, int size) {
        arenas[OpenClCodes.dtype(dtype)].free(base, Math.max(size, 1));
    }

    /** Bytes of the arenas in use by live storages (an empty storage holds one element). */
    long memoryAllocated() {
        long bytes = 0;
        for (DType dtype : DType.values()) {
            bytes += arenas[OpenClCodes.dtype(dtype)].inUse() * OpenClCodes.itemBytes(dtype);
        }
        return bytes;
    }

    OpenClTransfers transfers() {
        return new OpenClTransfers(uploads.get(), uploadedBytes.get(), downloads.get(), downloadedBytes.get(),
                dispatches.get());
    }

    /**
     * Runs one primitive over {@code items} work items with the geometry and scalars already set
     * on the kernel, and checks that OpenCL on this device ran it.
     */
    synchronized void dispatch(String name, int items) {
        kernel.n = items;
        kernel.put(kernel.g);
        int global = Math.max(1, (items + localSize - 1) / localSize) * localSize;
        try {
            kernel.execute(Range.create(device, global, localSize));
        } catch (RuntimeException | AssertionError e) {
            // with assertions on, Aparapi's fallback to Java threads fails an assertion instead
            throw new IllegalStateException("opencl: primitive '" + name + "' did not run on " + describe()
                    + ": " + e.getMessage(), e);
        }
        dispatches.incrementAndGet();
        if (!kernel.isRunningCL() || kernel.getTargetDevice() != device) {
            throw new IllegalStateException("opencl: primitive '" + name + "' did not run on " + describe()
                    + " but in Aparapi's " + kernel.getExecutionMode() + " fallback (the OpenCL kernel failed; see"
                    + " Aparapi's log)");
        }
    }

    /** Whether work groups of {@code size} items run here (the device's and the compiled kernel's limits). */
    boolean groupsOf(int size) {
        return size <= maxLocalSize;
    }

    /**
     * Runs one primitive as {@code groups} work groups of {@code groupSize} items (a kernel that
     * shares local memory within a group), with the geometry and scalars already set.
     */
    synchronized void dispatchGroups(String name, int groups, int groupSize) {
        int saved = localSize;
        localSize = groupSize;
        try {
            dispatch(name, groups * groupSize);
        } finally {
            localSize = saved;
        }
    }

    /** Copies a Java array into {@code size} elements at arena index {@code base}. */
    synchronized void upload(Object array, DType dtype, int base, int size) {
        if (size == 0) {
            return;
        }
        int t = OpenClCodes.dtype(dtype);
        ArenaKernel k = kernel;
        switch (t) {
            case 0 -> {
                boolean[] v = (boolean[]) array;
                k.sb = capacity(k.sb, size);
                for (int i = 0; i < size; i++) {
                    k.sb[i] = (byte) (v[i] ? 1 : 0);
                }
                k.put(k.sb);
            }
            case 1 -> {
                k.sl = capacity(k.sl, size);
                System.arraycopy(array, 0, k.sl, 0, size);
                k.put(k.sl);
            }
            case 2 -> {
                k.sf = capacity(k.sf, size);
                System.arraycopy(array, 0, k.sf, 0, size);
                k.put(k.sf);
            }
            default -> {
                k.sd = capacity(k.sd, size);
                System.arraycopy(array, 0, k.sd, 0, size);
                k.put(k.sd);
            }
        }
        uploads.incrementAndGet();
        uploadedBytes.addAndGet((long) size * OpenClCodes.itemBytes(dtype));
        Geometry.contiguous(k.g, new int[] {size}, base, t);
        k.op = ArenaKernel.STAGE_IN;
        dispatch("upload", size);
    }

    /** Uploads int64 values into the staging array the index ops read their indices from. */
    synchronized void stageIndices(long[] index) {
        ArenaKernel k = kernel;
        k.sl = capacity(k.sl, index.length);
        System.arraycopy(index, 0, k.sl, 0, index.length);
        k.put(k.sl);
        uploads.incrementAndGet();
        uploadedBytes.addAndGet(8L * index.length);
    }

    /**
     * The elements of a view (its geometry set as operand 0 on the kernel by the caller) in
     * row-major order, as a new Java array of its dtype.
     */
    synchronized Object download(DType dtype, int size) {
        int t = OpenClCodes.dtype(dtype);
        ArenaKernel k = kernel;
        k.sb = t == 0 ? capacity(k.sb, size) : k.sb;
        k.sl = t == 1 ? capacity(k.sl, size) : k.sl;
        k.sf = t == 2 ? capacity(k.sf, size) : k.sf;
        k.sd = t == 3 ? capacity(k.sd, size) : k.sd;
        k.op = ArenaKernel.STAGE_OUT;
        if (size > 0) {
            dispatch("download", size);
        }
        downloads.incrementAndGet();
        downloadedBytes.addAndGet((long) size * OpenClCodes.itemBytes(dtype));
        switch (t) {
            case 0 -> {
                k.get(k.sb);
                boolean[] out = new boolean[size];
                for (int i = 0; i < size; i++) {
                    out[i] = k.sb[i] != 0;
                }
                return out;
            }
            case 1 -> {
                k.get(k.sl);
                return java.util.Arrays.copyOf(k.sl, size);
            }
            case 2 -> {
                k.get(k.sf);
                return java.util.Arrays.copyOf(k.sf, size);
            }
            default -> {
                k.get(k.sd);
                return java.util.Arrays.copyOf(k.sd, size);
            }
        }
    }

    // A staging array of at least n elements: kept while it is large enough and at most 4 times
    // too large (a get or put moves the whole array), else a new one of the next power of two.
    private static byte[] capacity(byte[] a, int n) {
        return a.length >= n && a.length <= 4L * Math.max(n, 64) ? a : new byte[stagingSize(n)];
    }

    private static long[] capacity(long[] a, int n) {
        return a.length >= n && a.length <= 4L * Math.max(n, 64) ? a : new long[stagingSize(n)];
    }

    private static float[] capacity(float[] a, int n) {
        return a.length >= n && a.length <= 4L * Math.max(n, 64) ? a : new float[stagingSize(n)];
    }

    private static double[] capacity(double[] a, int n) {
        return a.length >= n && a.length <= 4L * Math.max(n, 64) ? a : new double[stagingSize(n)];
    }

    private static int stagingSize(int n) {
        return Math.max(64, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
    }
}
