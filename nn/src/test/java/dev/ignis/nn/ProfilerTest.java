package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.Profiler;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProfilerTest {
    private static final Generator GEN = new Generator(3);

    private static Sequential mlp() {
        return new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
    }

    @Test
    void leafModuleForwardsAndBackwardNodesAreCountedPerName() {
        Sequential net = mlp();
        Tensor x = Tensor.randn(GEN, 5, 4);
        Profiler prof = Profiler.start();
        try {
            for (int step = 0; step < 3; step++) {
                net.call(x).sum().backward();
            }
        } finally {
            prof.close();
        }
        assertEquals(6, prof.calls("Linear forward"));
        assertEquals(3, prof.calls("ReLU forward"));
        assertEquals(0, prof.calls("Sequential forward"), "containers are not timed: their children are");
        assertEquals(3, prof.calls("ReluBackward0"));
        assertEquals(6, prof.calls("AddmmBackward0"), "one node per linear layer with a bias, as in PyTorch");
        assertTrue(prof.nanos("Linear forward") > 0);
        String table = prof.table();
        assertTrue(table.startsWith("name"), table);
        assertTrue(table.contains("ReluBackward0"), table);
        assertTrue(table.contains("(not in any span)"), table);
    }

    @Test
    void nothingIsRecordedAfterCloseOrOnOtherThreads() throws InterruptedException {
        Sequential net = mlp();
        Tensor x = Tensor.randn(GEN, 2, 4);
        Profiler prof = Profiler.start();
        AtomicLong otherThreadSaw = new AtomicLong(-1);
        Thread other = new Thread(() -> {
            otherThreadSaw.set(Profiler.active() == null ? 0 : 1);
            net.call(x);
        });
        other.start();
        other.join();
        prof.close();
        net.call(x).sum().backward();
        assertEquals(0, otherThreadSaw.get());
        assertEquals(0, prof.calls("Linear forward"));
        assertEquals(0, prof.calls("ReluBackward0"));
        assertNull(Profiler.active());
    }

    @Test
    void aSecondProfilerOnTheSameThreadIsRefused() {
        try (Profiler ignored = Profiler.start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, Profiler::start);
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
        Profiler.start().close();   // closed: a new one may open
    }

    @Test
    void spansRecordedByCallersAddUp() {
        try (Profiler prof = Profiler.start()) {
            prof.record("optimizer step", 2_000_000);
            prof.record("optimizer step", 4_000_000);
            assertEquals(2, prof.calls("optimizer step"));
            assertEquals(6_000_000, prof.nanos("optimizer step"));
            assertTrue(prof.table().contains("3.000"), prof.table());   // the mean, in ms
        }
    }
}
