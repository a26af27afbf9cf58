package dev.ignis.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemsetD8Async;

import dev.ignis.backend.Backend;
import dev.ignis.backend.Storage;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import jcuda.driver.CUdeviceptr;

/**
 * Device memory of one tensor storage: {@code size} elements of {@code dtype} (bool as one byte),
 * a block of the {@link CudaAllocator}, zeroed on the stream. Returned to the allocator by
 * {@link CudaBackend#release} as soon as a caller knows it is done, else when the storage becomes
 * unreachable (a Cleaner), never twice.
 */
final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final CUdeviceptr pointer;
    private final Cleaner.Cleanable cleanable;

    CudaStorage(CudaBackend backend, DType dtype, int size) {
        super(dtype, size);
        this.backend = backend;
        long bytes = Math.max(1, (long) size * itemBytes(dtype));
        CudaAllocator allocator = CudaDriver.device0().allocator();
        this.pointer = allocator.allocate(bytes);
        cuMemsetD8Async(pointer, (byte) 0, bytes, null);
        CUdeviceptr block = pointer;
        AtomicBoolean done = new AtomicBoolean();
        // back to the allocator's cache, once: by release(), or when the storage is collected
        this.cleanable = CLEANER.register(this, () -> {
            if (done.compareAndSet(false, true)) {
                allocator.free(block, bytes);
            }
        });
    }

    static int itemBytes(DType dtype) {
        return dtype == DType.BOOL ? 1 : dtype.itemSize();
    }

    CUdeviceptr pointer() {
        return pointer;
    }

    /** The block's raw device address (for bindings other than JCuda's). */
    long address() {
        return ((DeviceBlock) pointer).address();
    }

    void free() {
        cleanable.clean();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Device device() {
        return CudaBackend.DEVICE;
    }
}
