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

    @Test
    void matrixProductsOfEveryLayoutMatchTheCpu() {
        Availability a = cuda.probe();
        assumeTrue(a.available(), "no GPU here: " + a.reason());
        Device gpu = Device.of("cuda");
        dev.ignis.tensor.Generator gen = new dev.ignis.tensor.Generator(3);
        Tensor x = Tensor.randn(gen, 4, 33, 17);
        Tensor w = Tensor.randn(gen, 4, 17, 29);
        Tensor[][] pairs = {
            {x, w},                                                          // contiguous
            {x.transpose(1, 2).contiguous().transpose(1, 2), w},             // a stored column by column
            {x, w.transpose(1, 2).contiguous().transpose(1, 2)},             // b stored column by column
            {x, w.narrow(0, 1, 1).expand(4, 17, 29)},                         // a weight shared by the batch
            {x.narrow(1, 3, 20), w.narrow(2, 2, 21)},                        // offsets, row strides > columns
            {x.to(dev.ignis.tensor.DType.FLOAT64), w.to(dev.ignis.tensor.DType.FLOAT64)},
            {x.narrow(2, 0, 1), w.narrow(1, 0, 1)},                          // k = 1: an outer product
        };
        for (Tensor[] p : pairs) {
            double[] expected = p[0].bmm(p[1]).toDoubleArray();
            double[] actual = p[0].to(gpu).bmm(p[1].to(gpu)).toDoubleArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), "element " + i);
            }
        }
    }

    @Test
    void longRowsReduceByBlocksToTheCpusAnswers() {
        Availability a = cuda.probe();
        assumeTrue(a.available(), "no GPU here: " + a.reason());
        Device gpu = Device.of("cuda");
        int n = 5000;   // past the length from which a row gets a block of its own
        float[] data = new float[3 * n];
        dev.ignis.tensor.Generator gen = new dev.ignis.tensor.Generator(5);
        float[] noise = Tensor.randn(gen, 3 * n).toFloatArray();
        System.arraycopy(noise, 0, data, 0, data.length);
        data[n + 17] = 9f;          // row 1: a tie between two maxima, the first must win
        data[n + 4000] = 9f;
        data[2 * n + 300] = Float.NaN;   // row 2: NaN wins, the first one
        data[2 * n + 4999] = Float.NaN;
        Tensor x = Tensor.of(data).reshape(3, n);
        Tensor g = x.to(gpu);
        assertArrayEquals(x.argmax(1, false).toLongArray(), g.argmax(1, false).toLongArray());
        assertArrayEquals(new long[] {x.argmax(1, false).toLongArray()[0], 17, 300},
                g.argmax(1, false).toLongArray());
        float[] sums = x.narrow(0, 0, 2).sum(1, false).toFloatArray();
        float[] gpuSums = g.narrow(0, 0, 2).sum(1, false).toFloatArray();
        for (int i = 0; i < sums.length; i++) {
            assertEquals(sums[i], gpuSums[i], 1e-3f, "sum of row " + i);
        }
        Tensor longs = Tensor.arange(2 * n).reshape(2, n);   // int64 sums stay integral
        assertArrayEquals(longs.sum(1, false).toLongArray(), longs.to(gpu).sum(1, false).toLongArray());
    }
}
