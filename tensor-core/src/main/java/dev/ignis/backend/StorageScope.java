package dev.ignis.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * A stretch of one thread's work whose new storages are released together when it closes, so that
 * device memory comes back at a known point instead of when the garbage collector runs. Scopes
 * nest (a thread's innermost open scope is the current one); each new storage is
 * {@linkplain #adopt adopted} by the current scope, and {@link #close} releases every storage the
 * scope still owns, newest first. A storage leaves its scope by being {@linkplain #handOn handed on}
 * (to the enclosing scope, or to none where this is the outermost) or {@linkplain #persist
 * persisted} (to no scope: it lives until {@link Storage#release} or the collector).
 *
 * <p>Storages created on a thread with no open scope, and on other threads (an intra-op pool's
 * workers), belong to no scope, as before scopes existed. {@code dev.ignis.tensor.MemoryScope} is
 * the same thing for tensors; kernels' references use this class directly to release their scratch
 * buffers when they return.
 */
public final class StorageScope implements AutoCloseable {
    private static final ThreadLocal<StorageScope> CURRENT = new ThreadLocal<>();

    private final StorageScope parent;
    private final Thread thread = Thread.currentThread();
    private List<Storage> owned = new ArrayList<>();

    private StorageScope(StorageScope parent) {
        this.parent = parent;
    }

    /** Opens a scope on this thread, inside the current one if any; it becomes the current scope. */
    public static StorageScope open() {
        StorageScope scope = new StorageScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /**
     * Gives a storage seen for the first time to this thread's current scope (if one is open);
     * later calls for the same storage do nothing, so that a storage made before a scope opened
     * never joins it.
     */
    public static void adopt(Storage storage) {
        if (storage.adopted) {
            return;
        }
        storage.adopted = true;
        StorageScope current = CURRENT.get();
        if (current != null) {
            storage.scope = current;
            current.owned.add(storage);
        }
    }

    /** Takes {@code storage} out of whatever scope owns it: it is released only explicitly or by the collector. */
    public static void persist(Storage storage) {
        storage.adopted = true;
        storage.scope = null;
    }

    /**
     * Moves {@code storage}, if this scope owns it, to the enclosing scope, or to none when this is
     * the outermost; a storage this scope does not own is left where it is.
     */
    public void handOn(Storage storage) {
        if (storage.scope != this) {
            return;
        }
        storage.scope = parent;
        if (parent != null) {
            parent.owned.add(storage);
        }
    }

    /**
     * Releases every storage this scope still owns, newest first, and makes the enclosing scope the
     * current one again. Scopes opened inside this one and left open are closed first. Closing a
     * closed scope does nothing.
     *
     * @throws IllegalStateException when called on another thread than the one that opened it
     */
    @Override
    public void close() {
        if (owned == null) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a StorageScope must be closed on the thread that opened it ("
                    + thread.getName() + "), not on " + Thread.currentThread().getName());
        }
        StorageScope current = CURRENT.get();
        while (current != null && current != this) {
            current.close();
            current = CURRENT.get();
        }
        CURRENT.set(parent);
        List<Storage> mine = owned;
        owned = null;
        for (int i = mine.size() - 1; i >= 0; i--) {
            Storage s = mine.get(i);
            if (s.scope == this) {
                s.release();
            }
        }
    }
}
