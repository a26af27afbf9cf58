package dev.ignis.backend;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;

/**
 * A flat block of elements owned by one backend on one device: the backend's handle to its memory
 * (a Java array on the CPU, device memory elsewhere), which only that backend reads or writes.
 * Tensors are views over a storage (shape, strides, offset); all views of a storage share its
 * version counter, which autograd uses to detect in-place changes of tensors saved for backward.
 *
 * <p>A storage's memory goes back to its backend when the {@link StorageScope} it was created in
 * closes, when {@link #release} is called, or, for one that belongs to no scope, when the garbage
 * collector finds it unreachable; a released storage must not be read or written again.
 *
 * <p>Only {@code tensor-core} touches a storage.
 */
public abstract class Storage {
    private final DType dtype;
    private final int size;
    private int version;
    private boolean released;
    /** Set once {@link StorageScope#adopt} has seen this storage, whether or not a scope took it. */
    boolean adopted;
    /** The scope that releases this storage when it closes; null for none. */
    StorageScope scope;

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

    /** Whether {@link #release} was called: the memory is gone and no view may use it. */
    public final boolean isReleased() {
        return released;
    }

    /**
     * Gives the memory back to the backend now ({@link Backend#release}); later calls do nothing.
     * Every view of this storage becomes unusable.
     */
    public final void release() {
        if (!released) {
            released = true;
            scope = null;
            backend().release(this);
        }
    }
}
