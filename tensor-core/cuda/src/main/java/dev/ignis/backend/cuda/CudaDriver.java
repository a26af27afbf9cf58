package dev.ignis.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through JCuda's driver API: its primary context (shared with libraries that use the
 * runtime API), made current on each thread that calls in, and Ignis' kernels loaded from their
 * PTX. Built once per device, the first time it is used.
 */
final class CudaDriver {
    private static final int THREADS = 256;
    private static final int MAX_BLOCKS = 65_535;
    private static volatile CudaDriver device0;

    private final CUcontext context;
    private final CudaAllocator allocator = new CudaAllocator();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);

    private CudaDriver(int ordinal) {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        CUdevice device = new CUdevice();
        cuDeviceGet(device, ordinal);
        context = new CUcontext();
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        current.set(true);
        CUmodule module = new CUmodule();
        cuModuleLoadData(module, ptx());
        for (String name : new String[] {"ew_unary", "ew_binary", "ew_where", "ew_copy", "ew_fill", "ew_axpby",
            "reduce_rows", "reduce_rows_block", "bmm", "bmm_f32_tiled", "gather_scatter", "index_select_add", "fill_random"}) {
            CUfunction f = new CUfunction();
            cuModuleGetFunction(f, module, name);
            functions.put(name, f);
        }
    }

    /** "NVIDIA H200, compute capability 9.0, 139 GiB, CUDA driver 13.0" for device {@code ordinal}, without using it. */
    static String describe(int ordinal) {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        CUdevice device = new CUdevice();
        cuDeviceGet(device, ordinal);
        return describe(device);
    }

    private static String describe(CUdevice device) {
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        int[] major = {0};
        int[] minor = {0};
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        long[] memory = {0};
        cuDeviceTotalMem(memory, device);
        int[] driver = {0};
        cuDriverGetVersion(driver);
        return new String(name, 0, indexOfZero(name)) + ", compute capability " + major[0] + "." + minor[0]
                + ", " + memory[0] / (1L << 30) + " GiB, CUDA driver " + driver[0] / 1000 + "." + driver[0] % 1000 / 10;
    }

    private static int indexOfZero(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    /** The number of CUDA devices; throws (UnsatisfiedLinkError, CudaException) where there is no driver. */
    static int deviceCount() {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = {0};
        cuDeviceGetCount(count);
        return count[0];
    }

    /** Device 0, initialised on first use. */
    static CudaDriver device0() {
        CudaDriver d = device0;
        if (d == null) {
            synchronized (CudaDriver.class) {
                if (device0 == null) {
                    device0 = new CudaDriver(0);
                }
                d = device0;
            }
        }
        d.makeCurrent();
        return d;
    }

    /** Makes the primary context current on the calling thread (JCuda's calls need one). */
    void makeCurrent() {
        if (!current.get()) {
            cuCtxSetCurrent(context);
            current.set(true);
        }
    }

    CudaAllocator allocator() {
        return allocator;
    }

    /** Launches {@code kernel} over {@code work} items (grid-stride loops), with {@code params} in order. */
    void launch(String kernel, long work, Pointer... params) {
        if (work <= 0) {
            return;
        }
        makeCurrent();
        int blocks = (int) Math.max(1, Math.min(MAX_BLOCKS, (work + THREADS - 1) / THREADS));
        cuLaunchKernel(functions.get(kernel), blocks, 1, 1, THREADS, 1, 1, 0, null, Pointer.to(params), null);
    }

    /** Launches {@code kernel} on an explicit grid of blocks of {@code blockX × blockY} threads. */
    void launchGrid(String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, Pointer... params) {
        makeCurrent();
        cuLaunchKernel(functions.get(kernel), gridX, gridY, gridZ, blockX, blockY, 1, 0, null, Pointer.to(params),
                null);
    }

    private static byte[] ptx() {
        try (InputStream in = CudaDriver.class.getResourceAsStream("ignis_kernels.ptx")) {
            if (in == null) {
                throw new IllegalStateException("ignis_kernels.ptx is missing from the cuda backend's jar");
            }
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1);   // the driver takes a NUL-terminated string
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
