package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/**
 * The task device rule over the resource maps Spark hands a task (the standalone run in
 * bench/standalone-submit.sh with IGNIS_WORKER_GPUS shows the same on real executors).
 */
class ExecutorDeviceTest {
    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of("gpu", new ResourceInformation("gpu", addresses));
    }

    @Test
    void theFirstAssignedGpuIsUsedWhenACudaBackendIsAvailable() {
        ExecutorDevice.Choice c = ExecutorDevice.choose("auto", gpus("3", "5"), true, false);
        assertEquals(new Device("cuda", 3), c.device());
        assertEquals("GPU 3 assigned by Spark", c.reason());
        assertFalse(c.fellBack());
    }

    @Test
    void anAssignedGpuWithoutABackendFallsBackToTheCpuAndSaysSo() {
        ExecutorDevice.Choice c = ExecutorDevice.choose("auto", gpus("1"), false, false);
        assertEquals(Device.CPU, c.device());
        assertTrue(c.fellBack());
        assertEquals("GPU 1 assigned by Spark, but no available cuda or opencl backend: using the CPU", c.reason());
    }

    @Test
    void noGpuResourceMeansTheCpuWithoutAFallback() {
        for (Map<String, ResourceInformation> none : java.util.List.of(Map.<String, ResourceInformation>of(), gpus())) {
            ExecutorDevice.Choice c = ExecutorDevice.choose("auto", none, true, false);
            assertEquals(Device.CPU, c.device());
            assertFalse(c.fellBack());
        }
    }

    @Test
    void theCpuSettingLeavesAnAssignedGpuIdleAndSaysSo() {
        ExecutorDevice.Choice c = ExecutorDevice.choose("cpu", gpus("2"), true, false);
        assertEquals(Device.CPU, c.device());
        assertTrue(c.fellBack());
        assertEquals(Device.CPU, ExecutorDevice.choose("cpu", Map.of(), true, false).device());
    }

    @Test
    void theCudaSettingTakesTheAssignedGpuOrCuda0AndFailsWithoutABackend() {
        assertEquals(new Device("cuda", 4), ExecutorDevice.choose("cuda", gpus("4"), true, false).device());
        assertEquals(new Device("cuda", 0), ExecutorDevice.choose("cuda", Map.of(), true, false).device());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutorDevice.choose("cuda", gpus("1"), false, false));
        assertTrue(e.getMessage().startsWith("device 'cuda' was asked for, but no cuda backend is available"),
                e.getMessage());
        assertEquals("device must be one of [auto, cpu, cuda, opencl], got 'gpu'", assertThrows(IllegalArgumentException.class,
                () -> ExecutorDevice.choose("gpu", Map.of(), true, false)).getMessage());
    }

    @Test
    void withoutCudaAnAssignedGpuIsUsedThroughOpenClAndOpenClCanBeAskedFor() {
        ExecutorDevice.Choice c = ExecutorDevice.choose("auto", gpus("2"), false, true);
        assertEquals(new Device("opencl", 0), c.device());
        assertFalse(c.fellBack());
        assertEquals(new Device("cuda", 2), ExecutorDevice.choose("auto", gpus("2"), true, true).device(),
                "CUDA first");
        assertEquals(new Device("opencl", 0), ExecutorDevice.choose("opencl", Map.of(), false, true).device());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutorDevice.choose("opencl", Map.of(), true, false));
        assertTrue(e.getMessage().startsWith("device 'opencl' was asked for"), e.getMessage());
    }
}
