package dev.ignis.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * What a {@link MemoryScope} releases and what it leaves. On the CPU release gives no memory back
 * (the arrays are the collector's) but marks the storage released all the same, so these rules
 * hold, and are checked, on every device alike.
 */
class MemoryScopeTest {
    private static void assertReleased(Tensor t) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.add(1));
        assertTrue(e.getMessage().contains("used after its memory was released"), e.getMessage());
    }

    @Test
    void aTensorMadeInAScopeIsReleasedWhenItCloses() {
        Tensor t;
        try (MemoryScope scope = MemoryScope.open()) {
            t = Tensor.ones(3).mul(2);
            assertArrayEquals(new float[] {3, 3, 3}, t.add(1).toFloatArray());
        }
        assertTrue(t.storage().isReleased());
        assertReleased(t);
        assertThrows(IllegalStateException.class, t::item);
    }

    @Test
    void aKeptTensorMovesToTheEnclosingScopeAndIsReleasedWithIt() {
        Tensor kept;
        Tensor dropped;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                kept = inner.keep(Tensor.ones(2));
                dropped = Tensor.ones(2);
            }
            assertArrayEquals(new float[] {1, 1}, kept.toFloatArray());
            assertReleased(dropped);
        }
        assertReleased(kept);
    }

    @Test
    void keptFromTheOutermostScopeATensorBelongsToNone() {
        Tensor kept;
        try (MemoryScope scope = MemoryScope.open()) {
            kept = scope.keep(Tensor.ones(2).reshape(1, 2));
        }
        try (MemoryScope later = MemoryScope.open()) {
            kept.add(1);
        }
        assertFalse(kept.storage().isReleased());
    }

    @Test
    void tensorsMadeBeforeAScopeAndViewsOfThemSurviveIt() {
        Tensor before = Tensor.fromArray(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor view;
        Tensor computed;
        try (MemoryScope scope = MemoryScope.open()) {
            view = before.transpose(0, 1);
            computed = before.add(1);
        }
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, view.contiguous().toFloatArray());
        assertReleased(computed);
    }

    @Test
    void parametersTheirGradientsAndDataMovedIntoATensorOutliveTheScope() {
        Tensor w;
        Tensor moved = Tensor.zeros(2);
        try (MemoryScope scope = MemoryScope.open()) {
            w = Tensor.fromArray(new float[] {1, 2}).mul(1).requiresGrad(true);
            w.mul(w).sum().backward();
            moved.setData(Tensor.ones(2).mul(5));
        }
        assertArrayEquals(new float[] {1, 2}, w.toFloatArray());
        assertArrayEquals(new float[] {2, 4}, w.grad().toFloatArray());
        assertArrayEquals(new float[] {5, 5}, moved.toFloatArray());
    }

    @Test
    void persistedTensorsOutliveTheScopeUntilReleased() {
        Tensor state;
        try (MemoryScope scope = MemoryScope.open()) {
            state = MemoryScope.persist(Tensor.ones(2));
        }
        assertArrayEquals(new float[] {1, 1}, state.toFloatArray());
        MemoryScope.release(state);
        MemoryScope.release(state);
        assertReleased(state);
    }

    @Test
    void aScopeLeftOpenInsideAnotherIsClosedWithIt() {
        Tensor inner;
        MemoryScope outer = MemoryScope.open();
        MemoryScope.open();
        inner = Tensor.ones(1);
        outer.close();
        assertReleased(inner);
        try (MemoryScope next = MemoryScope.open()) {
            Tensor t = Tensor.ones(1);
            next.keep(t);
            assertFalse(t.storage().isReleased());
        }
    }

    @Test
    void aScopeIsClosedOnTheThreadThatOpenedIt() throws InterruptedException {
        MemoryScope scope = MemoryScope.open();
        try {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> CompletableFuture.runAsync(scope::close).get());
            assertTrue(e.getCause().getMessage().contains("closed on the thread that opened it"), e.getMessage());
        } finally {
            scope.close();
        }
    }
}
