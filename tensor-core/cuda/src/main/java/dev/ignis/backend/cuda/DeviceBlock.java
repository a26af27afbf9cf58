package dev.ignis.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A block of device memory from the {@link CudaAllocator}: JCuda's pointer, whose raw address
 * other bindings (cuBLAS through {@link Cublas}) take as a plain 64-bit integer.
 */
final class DeviceBlock extends CUdeviceptr {
    /** The device address cuMemAlloc wrote into this pointer. */
    long address() {
        return getNativePointer();
    }
}
