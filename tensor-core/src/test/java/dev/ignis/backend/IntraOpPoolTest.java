package dev.ignis.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hand-off between callers and pool workers: every chunk runs exactly once, whatever the timing. */
class IntraOpPoolTest {
    private int before;

    @BeforeEach
    void threeThreads() {
        before = IntraOpPool.threads();
        IntraOpPool.setThreads(3);
    }

    @AfterEach
    void restore() {
        IntraOpPool.setThreads(before);
    }

    /** Runs one loop over [0, n) and checks every index was visited once; returns the threads used. */
    private static Set<String> loopOnce(int n) {
        int[] visits = new int[n];
        Set<String> threads = ConcurrentHashMap.newKeySet();
        IntraOpPool.parallelFor(n, 1, (s, e) -> {
            threads.add(Thread.currentThread().getName());
            for (int i = s; i < e; i++) {
                visits[i]++;
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, visits[i], "index " + i);
        }
        return threads;
    }

    @Test
    void backToBackLoopsEachRunEveryChunkOnceOnTheWorkers() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 20_000; round++) {
            seen.addAll(loopOnce(64));
        }
        assertTrue(seen.stream().anyMatch(name -> name.startsWith("ignis-intra-op-")), seen.toString());
    }

    @Test
    void aLoopAfterTheWorkersParkedStillRunsOnThem() throws InterruptedException {
        loopOnce(64);
        Thread.sleep(20);   // far past the spin time: the workers are parked now
        Set<String> threads = loopOnce(64);
        assertEquals(3, threads.size(), threads.toString());
    }

    @Test
    void concurrentCallersShareTheWorkersAndAllFinish() throws InterruptedException {
        int callers = 4;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int round = 0; round < 3_000; round++) {
                        loopOnce(97);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
            assertTrue(!t.isAlive(), "a caller is stuck");
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void anInterruptedCallerWaitsForTheWorkersAndKeepsItsInterrupt() {
        boolean[] finished = new boolean[3];
        Thread.currentThread().interrupt();
        IntraOpPool.parallelFor(3, 1, (s, e) -> {
            long until = System.nanoTime() + 5_000_000;   // 5 ms, well past the caller's spin
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            for (int i = s; i < e; i++) {
                finished[i] = true;
            }
        });
        assertTrue(Thread.interrupted(), "the interrupt is kept");
        for (int i = 0; i < 3; i++) {
            assertTrue(finished[i], "chunk " + i);
        }
    }
}
