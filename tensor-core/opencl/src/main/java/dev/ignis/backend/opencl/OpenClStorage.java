package dev.ignis.backend.opencl;

import dev.ignis.backend.Backend;
import dev.ignis.backend.Storage;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import java.lang.ref.Cleaner;

/**
 * A storage on the opencl device: {@code size} elements of an arena from index {@link #base}.
 * Released explicitly ({@link #free}) or, when it becomes unreachable first, by a Cleaner, so the
 * range goes back to the arena either way, once.
 */
final class OpenClStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClBackend backend;
    private final Device device;
    private final int base;
    private final Cleaner.Cleanable cleanable;

    OpenClStorage(OpenClBackend backend, Device device, OpenClDevice owner, DType dtype, int size) {
        super(dtype, size);
        this.backend = backend;
        this.device = device;
        this.base = owner.allocate(dtype, size);
        int start = base;
        cleanable = CLEANER.register(this, () -> owner.free(dtype, start, size));
    }

    int base() {
        return base;
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
        return device;
    }
}
