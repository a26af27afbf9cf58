package dev.ignis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ignis.backend.Availability;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The cuda device reports why it is unavailable without a driver, and where a GPU is present
 * moves tensors to and from it and computes there (the whole conformance suite runs on it from
 * the tests module).
 */
class CudaBackendTest {
    private final CudaBackend cuda = new CudaBackend();

    @Test
    void theProbeSaysWhyAndNeverThrows() {
        Availability a = cuda.probe();
        assertTrue(a.available() || a.reason().startsWith("no CUDA") || a.reason().startsWith("CUDA did not"),
                a.reason());
    }

    @Test
    void tensorsMoveToTheGpuAndComputeThere() {
        Availability a = cuda.probe();
        assumeTrue(a.available(), "no GPU here: " + a.reason());
        Device gpu = Device.of("cuda");
        Tensor x = Tensor.of(1f, -2f, 3f).to(gpu);
        Tensor y = x.relu().mul(x).add(1.0);
        assertEquals(gpu, y.device());
        assertArrayEquals(new float[] {2f, 1f, 10f}, y.toFloatArray());
        assertArrayEquals(new float[] {1f, -2f, 3f, 0f}, Tensor.cat(java.util.List.of(x, Tensor.zeros(1).to(gpu)), 0)
                .toFloatArray());
    }
}
