package dev.ignis.tensor;

import dev.ignis.backend.StorageScope;

/**
 * Gives device memory back at a known point: the memory of every tensor created on this thread
 * while the scope is open is released when it closes, except what was kept. Java has no reference
 * counts to free a GPU tensor the moment the last reference goes, and the garbage collector does not
 * see device memory; a scope around each training step keeps a GPU's memory flat from step to step
 * without waiting for a collection.
 * <pre>{@code
 * for (Batch b : loader) {
 *     try (MemoryScope scope = MemoryScope.open()) {
 *         Tensor x = b.x().to(device), y = b.y().to(device);
 *         TrainingStep.Result r = step.run(x, y);
 *         total.add_(r.loss());           // total, made before the loop, is not the scope's
 *     }                                   // x, y, the output, the loss and every intermediate: released
 * }
 * }</pre>
 * What outlives a scope without being kept: parameters (leaves that require grad), gradients set
 * on a tensor ({@code backward}'s), data moved into an existing tensor ({@code setData}, as
 * {@code Module.to} does), and what {@link #persist} marks (modules' buffers, optimizers' state).
 * Tensors made before the scope opened are never its own. Using a released tensor is an error that
 * says so. Scopes nest; {@link #keep} hands a tensor to the enclosing scope (or to none).
 *
 * <p>Every device behaves alike, the CPU included (its arrays still belong to the collector), so a
 * tensor used after its scope closed fails on the CPU as it would on a GPU.
 */
public final class MemoryScope implements AutoCloseable {
    private final StorageScope storages;

    private MemoryScope(StorageScope storages) {
        this.storages = storages;
    }

    /** Opens a scope on this thread, inside the current one if any. */
    public static MemoryScope open() {
        return new MemoryScope(StorageScope.open());
    }

    /**
     * Keeps {@code tensor}'s memory (and that of every view sharing it) past this scope: it moves
     * to the enclosing scope, or to none. Returns the tensor.
     */
    public Tensor keep(Tensor tensor) {
        storages.handOn(tensor.storage());
        return tensor;
    }

    /** Releases the memory of every tensor made in this scope and not kept; newest first. */
    @Override
    public void close() {
        storages.close();
    }

    /**
     * Takes {@code tensor}'s memory out of every scope: it lives until {@link #release} or until the
     * collector finds it unreachable, as state does (a module's buffers, an optimizer's moments).
     * Returns the tensor.
     */
    public static Tensor persist(Tensor tensor) {
        StorageScope.persist(tensor.storage());
        return tensor;
    }

    /**
     * Gives {@code tensor}'s memory back to its device now; every view of it becomes unusable.
     * Releasing twice does nothing.
     */
    public static void release(Tensor tensor) {
        tensor.storage().release();
    }
}
