package dev.ignis.backend;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;

/**
 * A flat block of elements owned by one backend on one device: the backend's handle to its memory
 * (a Java array on the CPU, device memory elsewhere), which only that backend reads or writes.
 * Tensors are views over a storage (shape, strides, offset); all views of a storage share its
 * version counter, which autograd uses to detect in-place changes of tensors saved for backward.
 *
 * <p>Only {@code tensor-core} touches a storage.
 */
public abstract class Storage {
    private final DType dtype;
    private final int size;
    private int version;

    protected Storage(DType dtype, int size) {
        this.dtype = dtype;
        this.size = size;
    }

    public final DType dtype() {
        return dtype;
    }

    /** Number of elements. */
    public final int size() {
        return size;
    }

    public abstract Backend backend();

    public abstract Device device();

    /** Bumped by every in-place write through any view of this storage. */
    public final int version() {
        return version;
    }

    public final void bumpVersion() {
        version++;
    }
}
