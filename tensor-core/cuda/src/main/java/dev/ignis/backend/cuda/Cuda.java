package dev.ignis.backend.cuda;

/**
 * The cuda device's memory, as {@code torch.cuda}: what live tensors hold, its peak, what the
 * caching allocator keeps from the driver, and {@link #emptyCache()}. Storages go back to the cache
 * when released ({@code Backend.release}) or collected.
 */
public final class Cuda {
    private Cuda() {
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
