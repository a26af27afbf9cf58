package dev.ignis.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void discoveryFindsTheCpuBackendAndRanksHighestFirst() {
        List<Backends.Found> found = Backends.discovered();
        assertTrue(found.stream().anyMatch(f -> f.backend().name().equals("cpu") && f.availability().available()));
        for (int i = 1; i < found.size(); i++) {
            assertTrue(found.get(i - 1).backend().rank() >= found.get(i).backend().rank());
        }
    }

    @Test
    void anUnavailableHigherRankedBackendIsSkippedWithItsReason() {
        Backends.Choice choice = Backends.choose(null);
        assertEquals("cpu", choice.backend().name());
        assertTrue(choice.reason().contains("skipped unavailable-test: test double: no such device"), choice.reason());
    }

    @Test
    void anExplicitRequestIsHonouredOrFailsLoudly() {
        assertEquals("cpu", Backends.choose("cpu").backend().name());
        IllegalStateException unavailable = assertThrows(IllegalStateException.class,
                () -> Backends.choose("unavailable-test"));
        assertTrue(unavailable.getMessage().contains("is unavailable: test double: no such device"));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> Backends.choose("tpu"));
        assertTrue(missing.getMessage().contains("not found"));
    }

    @Test
    void aDeviceWhoseBackendIsUnavailableIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.forDevice(Device.of("testdev")));
        assertEquals("device testdev:0 is unavailable: test double: no such device", e.getMessage());
    }

    @Test
    void threadCountIsConfigurableAndValidated() {
        int before = IntraOpPool.threads();
        try {
            IntraOpPool.setThreads(1);
            assertEquals(1, IntraOpPool.threads());
            int[] sum = new int[1];
            IntraOpPool.parallelFor(100, 1, (s, e) -> {
                synchronized (sum) {
                    sum[0] += e - s;
                }
            });
            assertEquals(100, sum[0]);
        } finally {
            IntraOpPool.setThreads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> IntraOpPool.setThreads(0));
        assertFalse(IntraOpPool.threads() < 1);
    }

    @Test
    void parallelForCoversTheRangeAndRethrows() {
        int before = IntraOpPool.threads();
        try {
            IntraOpPool.setThreads(4);
            boolean[] seen = new boolean[1000];
            IntraOpPool.parallelFor(1000, 10, (s, e) -> {
                for (int i = s; i < e; i++) {
                    seen[i] = true;
                }
            });
            for (boolean b : seen) {
                assertTrue(b);
            }
            assertThrows(IllegalStateException.class, () -> IntraOpPool.parallelFor(1000, 10, (s, e) -> {
                if (s > 0) {
                    throw new IllegalStateException("boom");
                }
            }));
        } finally {
            IntraOpPool.setThreads(before);
        }
    }
}
