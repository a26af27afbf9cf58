package dev.ignis.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.CudaException;

/**
 * A caching allocator for one device, as PyTorch's: blocks are rounded up to a size class
 * (multiples of 512 bytes up to 1 MiB, of 2 MiB above) and a freed block goes back to its class's
 * free list for the next allocation of that class, instead of to the driver, whose cuMemFree
 * synchronises the whole device. All work runs on one stream, so a block reused by a later
 * allocation is only touched after the kernels that used it before. Memory goes back to the
 * driver on {@link #emptyCache()}, and when an allocation fails (then it is retried).
 */
final class CudaAllocator {
    private static final long SMALL = 1L << 20;
    private static final long SMALL_STEP = 512;
    private static final long LARGE_STEP = 2L << 20;

    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private long allocated;
    private long maxAllocated;
    private long reserved;
    /** Blocks returned so far (what an allocation waiting for the collector watches). */
    private long freed;

    /** The size class {@code bytes} is served from. */
    static long sizeClass(long bytes) {
        long step = bytes <= SMALL ? SMALL_STEP : LARGE_STEP;
        return Math.max(step, (bytes + step - 1) / step * step);
    }

    /**
     * A block of at least {@code bytes}, cached or new. When the device is full, the cached free
     * blocks go back to the driver, and then the blocks of storages that are unreachable but not
     * yet collected: a collection is asked for and their Cleaners are given up to a second to
     * return them. (Until tensors release their memory when the program drops them, this is where
     * a training loop's garbage goes back.)
     */
    CUdeviceptr allocate(long bytes) {
        long size = sizeClass(bytes);
        synchronized (this) {
            CUdeviceptr cached = poll(size);
            if (cached != null) {
                return cached;
            }
            CUdeviceptr fresh = tryAlloc(size);
            if (fresh != null) {
                return fresh;
            }
            emptyCache();
            fresh = tryAlloc(size);
            if (fresh != null) {
                return fresh;
            }
        }
        long freedBefore = freedCount();
        System.gc();
        for (int i = 0; i < 20 && freedCount() == freedBefore; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            CUdeviceptr cached = poll(size);
            if (cached != null) {
                return cached;
            }
            emptyCache();
            CUdeviceptr block = new DeviceBlock();
            cuMemAlloc(block, size);   // still out of memory: the driver's error goes to the caller
            return taken(block, size);
        }
    }

    private CUdeviceptr poll(long size) {
        ArrayDeque<CUdeviceptr> list = free.get(size);
        CUdeviceptr block = list == null ? null : list.poll();
        if (block != null) {
            allocated += size;
            maxAllocated = Math.max(maxAllocated, allocated);
        }
        return block;
    }

    /** A new block from the driver, or null when the device is out of memory. */
    private CUdeviceptr tryAlloc(long size) {
        CUdeviceptr block = new DeviceBlock();
        try {
            cuMemAlloc(block, size);
        } catch (CudaException e) {
            if (!String.valueOf(e.getMessage()).contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                throw e;
            }
            return null;
        }
        return taken(block, size);
    }

    private CUdeviceptr taken(CUdeviceptr block, long size) {
        reserved += size;
        allocated += size;
        maxAllocated = Math.max(maxAllocated, allocated);
        return block;
    }

    private synchronized long freedCount() {
        return freed;
    }

    /** Returns a block of {@code bytes} (as asked for) to its size class's free list. */
    synchronized void free(CUdeviceptr block, long bytes) {
        long size = sizeClass(bytes);
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(block);
        allocated -= size;
        freed++;
    }

    /** Gives every cached (free) block back to the driver. */
    synchronized void emptyCache() {
        for (Map.Entry<Long, ArrayDeque<CUdeviceptr>> e : free.entrySet()) {
            for (CUdeviceptr block : e.getValue()) {
                cuMemFree(block);
                reserved -= e.getKey();
            }
        }
        free.clear();
    }

    /** Bytes in blocks held by live storages (torch.cuda.memory_allocated). */
    synchronized long memoryAllocated() {
        return allocated;
    }

    /** The most bytes held by live storages at once (torch.cuda.max_memory_allocated). */
    synchronized long maxMemoryAllocated() {
        return maxAllocated;
    }

    /** Bytes taken from the driver, cached ones included (torch.cuda.memory_reserved). */
    synchronized long memoryReserved() {
        return reserved;
    }
}
