package dev.ignis.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.cpu.CpuOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OpenBLAS reading the arrays in place ({@link CriticalBlas}) against the copying path: the same
 * library (the one the bridge bound, the system's where installed) on the same numbers, so the
 * results must agree bit for bit, at offsets inside larger arrays, with padded leading dimensions
 * and with C split over two threads.
 * Ignis' own kernel, which otherwise takes the small products in place, is not asked for here
 * ({@link OwnGemmTest} checks it).
 */
class CriticalBlasTest {
    private final int threadsBefore = IntraOpPool.threads();

    @AfterEach
    void restore() {
        IntraOpPool.setThreads(threadsBefore);
    }

    @Test
    void loadsWhereTheBuildCompiledIt() {
        String library = CriticalBlas.LIBRARY_FOLDER + CriticalBlas.platform() + "/libignisblas.so";
        assumeTrue(CriticalBlas.class.getResource(library) != null,
                "the build compiled no bridge for " + CriticalBlas.platform() + " (linux-x86_64 with a C compiler only)");
        assumeTrue(NativeBlas.available(), "OpenBLAS did not load: " + NativeBlas.status());
        assumeTrue(!"false".equalsIgnoreCase(System.getProperty("ignis.blas.critical", "")),
                "the bridge is turned off by -Dignis.blas.critical=false");
        assertTrue(CriticalBlas.available(), "bridge status: " + CriticalBlas.status());
        String implementation = CpuGemm.implementation(CpuOptions.defaults().gemm());
        assertTrue(implementation.contains("in place"), implementation);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4} threads={5}")
    @CsvSource({
        "1, 1, 1, false, false, 1",
        "7, 5, 3, true, false, 1",
        "7, 5, 3, false, true, 2",
        "7, 5, 3, true, true, 2",
        "64, 256, 784, false, true, 2",
        "256, 784, 64, true, false, 2",
        "288, 196, 64, true, false, 1",
        "3, 700, 40, false, false, 2"})
    void inPlaceMatchesTheCopyingPathExactly(int m, int n, int k, boolean transA, boolean transB, int threads) {
        assumeTrue(CriticalBlas.available(), "bridge not loaded: " + CriticalBlas.status());
        IntraOpPool.setThreads(threads);
        Random r = new Random(m * 131L + n * 17L + k);
        int lda = (transA ? m : k) + 1;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 3;
        int aOff = 5;
        int bOff = 11;
        int cOff = 7;
        float[] a = CpuGemmTest.random(r, aOff + (transA ? k : m) * lda);
        float[] b = CpuGemmTest.random(r, bOff + (transB ? n : k) * ldb);
        float[] inPlace = new float[cOff + m * ldc];
        float[] copied = new float[cOff + m * ldc];
        Arrays.fill(inPlace, -7f);
        Arrays.fill(copied, -7f);
        NativeBlas.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, inPlace, cOff, ldc, true, false);
        NativeBlas.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, copied, cOff, ldc, false, false);
        assertArrayEquals(copied, inPlace, "C, its padding (left at -7) and what lies before it");
        assertEquals(-7f, inPlace[cOff + n], "the padding after a row of C is not written");
    }

    @Test
    void cSharingAnArrayWithAGivesTheProductOfTheOriginalA() {
        // C = A·B written into A's own array after A's block: the copying path must take it
        float[] buffer = {1, 2, 3, 4, 0, 0, 0, 0};
        float[] b = {1, 0, 0, 1};
        NativeBlas.sgemm(false, false, 2, 2, 2, buffer, 0, 2, b, 0, 2, buffer, 4, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2, 3, 4}, buffer);
    }

    @Test
    void aRegionOutsideItsArrayThrowsInsteadOfReachingNativeCode() {
        assumeTrue(NativeBlas.available(), "OpenBLAS did not load: " + NativeBlas.status());
        float[] a = new float[6];
        float[] b = new float[4];
        float[] c = new float[4];
        // A [2, 3] claimed at offset 2 of a 6-float array reaches past its end
        assertThrows(IndexOutOfBoundsException.class,
                () -> NativeBlas.sgemm(false, false, 2, 2, 3, a, 2, 3, b, 0, 2, c, 0, 2));
    }

    @Test
    void pinnedGemmsStayExactWhileAnotherThreadForcesCollections() throws Exception {
        assumeTrue(CriticalBlas.available(), "bridge not loaded: " + CriticalBlas.status());
        IntraOpPool.setThreads(1);
        Random r = new Random(3);
        float[] a = CpuGemmTest.random(r, 64 * 784);
        float[] b = CpuGemmTest.random(r, 256 * 784);
        float[] expected = new float[64 * 256];
        NativeBlas.sgemm(false, true, 64, 256, 784, a, 0, 784, b, 0, 784, expected, 0, 256, false, false);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong collections = new AtomicLong();
        long gcAtStart = collectionCount();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Thread churn = new Thread(() -> {
            // 8 MB arrays, kept only briefly: young collections every few allocations
            long gcBefore = collectionCount();
            while (!stop.get()) {
                float[] garbage = new float[2 << 20];
                garbage[garbage.length - 1] = 1f;
            }
            collections.set(collectionCount() - gcBefore);
        });
        churn.start();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                results.add(callers.submit(() -> {
                    int mismatches = 0;
                    // at least 300 products, and on until a collection has happened while they ran
                    for (int i = 0; i < 300 || (collectionCount() == gcAtStart && System.nanoTime() < deadline); i++) {
                        float[] c = new float[64 * 256];
                        NativeBlas.sgemm(false, true, 64, 256, 784, a, 0, 784, b, 0, 784, c, 0, 256, true, false);
                        mismatches += Arrays.equals(c, expected) ? 0 : 1;
                    }
                    return mismatches;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(0, f.get(60, TimeUnit.SECONDS), "products that differ from the copying path's");
            }
        } finally {
            stop.set(true);
            churn.join();
            callers.shutdown();
        }
        assertTrue(collections.get() > 0, "the allocating thread forced no collection; the test proved nothing");
    }

    private static long collectionCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
