package dev.ignis.tests.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.backend.Backends;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import org.junit.jupiter.api.Test;

/**
 * {@code --device auto}'s order on this machine's backends: CUDA, then the opencl device, then the
 * CPU (in CI: no CUDA driver, PoCL allowed, so opencl:0).
 */
class BestDeviceTest {
    private static boolean available(DeviceType type) {
        return Backends.discovered().stream()
                .anyMatch(f -> f.backend().deviceType().equals(type) && f.availability().available());
    }

    @Test
    void cudaThenOpenClThenTheCpu() {
        Backends.DeviceChoice best = Backends.bestDevice();
        Device expected = available(DeviceType.CUDA) ? new Device(DeviceType.CUDA, 0)
                : available(DeviceType.OPENCL) ? new Device(DeviceType.OPENCL, 0) : Device.CPU;
        assertEquals(expected, best.device(), best.reason());
        if (!available(DeviceType.CUDA)) {
            assertTrue(best.device().isCpu() || best.reason().startsWith("opencl: "), best.reason());
        }
    }
}
