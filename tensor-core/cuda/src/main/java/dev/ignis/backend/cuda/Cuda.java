package dev.ignis.backend.cuda;

/**
 * The cuda device's memory, as {@code torch.cuda}: what live tensors hold, its peak, what the
 * caching allocator keeps from the driver, and {@link #emptyCache()}. Storages go back to the cache
 * when released ({@code Backend.release}) or collected.
 */
public final class Cuda {
    private static volatile boolean allowTf32 = Boolean.getBoolean("ignis.cuda.allowTf32");

    private Cuda() {
    }

    /**
     * Whether float32 matrix products may use TF32 tensor cores (inputs rounded to 10 mantissa
     * bits, ~8x the throughput on an H200), as {@code torch.backends.cuda.matmul.allow_tf32};
     * off by default (also {@code -Dignis.cuda.allowTf32=true}).
     */
    public static void setAllowTf32(boolean allow) {
        allowTf32 = allow;
    }

    /** See {@link #setAllowTf32}. */
    public static boolean allowTf32() {
        return allowTf32;
    }

    /** The cuBLAS library GEMM uses ("cuBLAS 13.0.0 (path)"), or why there is none and Ignis' own kernel runs. */
    public static String blas() {
        return Cublas.get().map(Cublas::describe).orElseGet(Cublas::unavailableReason);
    }

    /** Bytes held by live storages on cuda:0. */
    public static long memoryAllocated() {
        return CudaDriver.device0().allocator().memoryAllocated();
    }

    /** The peak of {@link #memoryAllocated()}. */
    public static long maxMemoryAllocated() {
        return CudaDriver.device0().allocator().maxMemoryAllocated();
    }

    /** Bytes taken from the driver, free cached blocks included. */
    public static long memoryReserved() {
        return CudaDriver.device0().allocator().memoryReserved();
    }

    /** Gives the cached free blocks back to the driver. */
    public static void emptyCache() {
        CudaDriver.device0().allocator().emptyCache();
    }
}
