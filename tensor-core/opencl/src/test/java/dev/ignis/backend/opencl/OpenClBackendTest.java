package dev.ignis.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.aparapi.device.OpenCLDevice;
import dev.ignis.backend.Availability;
import dev.ignis.backend.CounterRandom;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.View;
import dev.ignis.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * The opencl device's primitives where CPU semantics are easy to get subtly wrong (the whole SPI
 * against the CPU: tests' ConformanceTest), its transfers and its refusal of Aparapi's silent
 * fallback. On PoCL's CPU device in CI (ignis.opencl.allowCpu); skipped, saying why, without one.
 */
class OpenClBackendTest {
    private static OpenClBackend backend() {
        OpenClBackend b = new OpenClBackend();
        Availability a = b.probe();
        assumeTrue(a.available(), "no opencl device: " + a.reason());
        return b;
    }

    private static View upload(OpenClBackend b, Object array, DType dtype) {
        int n = java.lang.reflect.Array.getLength(array);
        return View.contiguous(b.fromJavaArray(array, dtype, OpenClBackend.DEVICE), n);
    }

    @Test
    void randomFillsAreCounterRandomsValues() {
        OpenClBackend b = backend();
        View u = View.contiguous(b.allocate(DType.FLOAT64, 1000, OpenClBackend.DEVICE), 1000);
        View g = View.contiguous(b.allocate(DType.FLOAT64, 1000, OpenClBackend.DEVICE), 1000);
        b.fillRandom(u, CounterRandom.Distribution.UNIFORM, 42);
        b.fillRandom(g, CounterRandom.Distribution.NORMAL, -7);
        double[] uniform = (double[]) b.toJavaArray(u);
        double[] normal = (double[]) b.toJavaArray(g);
        for (int i = 0; i < 1000; i++) {
            assertEquals(CounterRandom.uniform(42, i), uniform[i], 0, "uniform " + i);
            assertEquals(CounterRandom.normal(-7, i), normal[i], 1e-15, "normal " + i);
        }
    }

    @Test
    void int64StaysExactAndMaxFindsTheFirstNan() {
        OpenClBackend b = backend();
        long big = (1L << 60) + 1;
        View x = upload(b, new long[] {big, 3}, DType.INT64);
        View out = View.contiguous(b.allocate(DType.INT64, 2, OpenClBackend.DEVICE), 2);
        b.binary(dev.ignis.backend.BinaryOp.ADD, x, x, out);
        assertArrayEquals(new long[] {2 * big, 6}, (long[]) b.toJavaArray(out));

        View rows = upload(b, new float[] {1, 5, 2, Float.NaN, 7, Float.NaN}, DType.FLOAT32).reshape(2, 3);
        View max = View.contiguous(b.allocate(DType.FLOAT32, 2, OpenClBackend.DEVICE), 2);
        View at = View.contiguous(b.allocate(DType.INT64, 2, OpenClBackend.DEVICE), 2);
        b.reduceRows(ReduceOp.MAX, rows, max, at);
        float[] values = (float[]) b.toJavaArray(max);
        assertEquals(5f, values[0]);
        assertTrue(Float.isNaN(values[1]));
        assertArrayEquals(new long[] {1, 0}, (long[]) b.toJavaArray(at), "the first NaN's position");
    }

    @Test
    void stridedViewsAndBoolsRoundTrip() {
        OpenClBackend b = backend();
        View m = upload(b, new float[] {1, 2, 3, 4, 5, 6}, DType.FLOAT32).reshape(2, 3);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, (float[]) b.toJavaArray(m.permute(1, 0)));
        View flags = upload(b, new boolean[] {true, false, true}, DType.BOOL);
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) b.toJavaArray(flags));
    }

    @Test
    void onlyDataCrossesAndOpsOnTheDeviceMoveNothing() {
        OpenClBackend b = backend();
        View x = upload(b, new float[] {1, 2, 3}, DType.FLOAT32);
        OpenClTransfers before = OpenClBackend.transfers();
        View y = View.contiguous(b.allocate(DType.FLOAT32, 3, OpenClBackend.DEVICE), 3);
        b.unary(dev.ignis.backend.UnaryOp.EXP, x, 0, 0, y);
        b.axpy(2.0, x, y);
        OpenClTransfers ops = OpenClBackend.transfers().since(before);
        assertEquals(0, ops.uploads() + ops.downloads(), ops.toString());
        assertEquals(3, ops.dispatches(), "zero-fill, exp, axpy: " + ops);
        float[] got = (float[]) b.toJavaArray(y);
        assertEquals(Math.exp(2) + 4, got[1], 1e-5);
        assertEquals(1, OpenClBackend.transfers().since(before).downloads());
    }

    @Test
    void aKernelRunInAparapisJavaFallbackIsAnErrorNamingThePrimitiveAndDevice() {
        backend();
        OpenCLDevice device = OpenClBackend.device().device();
        // a kernel class of its own: Aparapi remembers a fallback for the class, not the object
        OpenClDevice small = new OpenClDevice(device, new ArenaKernel(64, 64, 64, 64) { });
        // what happened on NVIDIA's OpenCL with Range.create's choice of 1024 (limit 256): the
        // launch fails and Aparapi runs the kernel in Java threads instead
        small.overrideLocalSize(device.getMaxWorkGroupSize() * 2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> small.upload(new float[] {1, 2}, DType.FLOAT32, 0, 2));
        assertTrue(e.getMessage().startsWith("opencl: primitive 'upload' did not run on " + small.describe()),
                e.getMessage());
        small.kernel().dispose();
    }
}
