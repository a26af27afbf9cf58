package dev.ignis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.backend.CounterRandom;
import dev.ignis.backend.View;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The CPU's {@code fillRandom}: each element is {@link CounterRandom}'s value at its row-major
 * index, strided views included, which is the definition every device's fill is held to.
 */
class RandomFillTest {
    private final CpuBackend cpu = new CpuBackend(CpuOptions.javaOnly());

    @Test
    void elementIIsTheCounterValueAtRowMajorIndexI() {
        // a transposed [3, 4] view of a [4, 3] tensor: row-major order of the view, not of memory
        Tensor base = Tensor.zeros(DType.FLOAT64, Device.CPU, 4, 3);
        View t = base.t().asView();
        cpu.fillRandom(t, CounterRandom.Distribution.UNIFORM, 42);
        double[] got = base.t().contiguous().toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertEquals(CounterRandom.uniform(42, i), got[i], "element " + i);
        }
        Tensor normal = Tensor.zeros(DType.FLOAT64, Device.CPU, 5);
        cpu.fillRandom(normal.asView(), CounterRandom.Distribution.NORMAL, 7);
        for (int i = 0; i < 5; i++) {
            assertEquals(CounterRandom.normal(7, i), normal.toDoubleArray()[i], "normal element " + i);
        }
    }

    @Test
    void theStreamsLookUniformAndNormal() {
        int n = 200_000;
        Tensor u = Tensor.zeros(DType.FLOAT64, Device.CPU, n);
        Tensor z = Tensor.zeros(DType.FLOAT64, Device.CPU, n);
        cpu.fillRandom(u.asView(), CounterRandom.Distribution.UNIFORM, 1);
        cpu.fillRandom(z.asView(), CounterRandom.Distribution.NORMAL, 1);
        double[] uv = u.toDoubleArray();
        assertTrue(Arrays.stream(uv).allMatch(v -> v >= 0 && v < 1));
        assertEquals(0.5, Arrays.stream(uv).average().orElseThrow(), 0.005);
        double[] zv = z.toDoubleArray();
        double mean = Arrays.stream(zv).average().orElseThrow();
        double var = Arrays.stream(zv).map(v -> (v - mean) * (v - mean)).sum() / n;
        assertEquals(0.0, mean, 0.01);
        assertEquals(1.0, var, 0.02);
    }

    @Test
    void seedsGiveDifferentStreamsAndTheCpuKeepsItsGeneratorDraws() {
        Tensor a = Tensor.zeros(DType.FLOAT32, Device.CPU, 16);
        Tensor b = Tensor.zeros(DType.FLOAT32, Device.CPU, 16);
        cpu.fillRandom(a.asView(), CounterRandom.Distribution.UNIFORM, 1);
        cpu.fillRandom(b.asView(), CounterRandom.Distribution.UNIFORM, 2);
        assertFalse(Arrays.equals(a.toFloatArray(), b.toFloatArray()));
        // on the CPU, rand(gen, device, ...) is rand(gen, ...): seeded runs keep their values
        assertArrayEquals(Tensor.rand(new Generator(5), 3, 4).toFloatArray(),
                Tensor.rand(new Generator(5), Device.CPU, 3, 4).toFloatArray());
    }
}
