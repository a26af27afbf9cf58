package dev.ignis.backend.cpu;

import dev.ignis.backend.Backend;
import dev.ignis.backend.Storage;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;

/**
 * CPU storage: one Java array of the dtype's element type ({@code float[]} for FLOAT32,
 * {@code double[]} for FLOAT64, {@code long[]} for INT64, {@code boolean[]} for BOOL). Exactly
 * one of the array fields is non-null.
 */
public final class CpuStorage extends Storage {
    final float[] f32;
    final double[] f64;
    final long[] i64;
    final boolean[] b8;
    private final CpuBackend backend;

    CpuStorage(CpuBackend backend, DType dtype, Object array) {
        super(dtype, java.lang.reflect.Array.getLength(array));
        this.backend = backend;
        this.f32 = dtype == DType.FLOAT32 ? (float[]) array : null;
        this.f64 = dtype == DType.FLOAT64 ? (double[]) array : null;
        this.i64 = dtype == DType.INT64 ? (long[]) array : null;
        this.b8 = dtype == DType.BOOL ? (boolean[]) array : null;
    }

    public static Object newArray(DType dtype, int size) {
        return switch (dtype) {
            case FLOAT32 -> new float[size];
            case FLOAT64 -> new double[size];
            case INT64 -> new long[size];
            case BOOL -> new boolean[size];
        };
    }

    /** The int64 array of an INT64 storage (null for other dtypes); kernels index it from a view's offset. */
    public long[] int64() {
        return i64;
    }

    /** Element {@code i} as a double (generic, slow path). */
    public double get(int i) {
        return switch (dtype()) {
            case FLOAT32 -> f32[i];
            case FLOAT64 -> f64[i];
            case INT64 -> i64[i];
            case BOOL -> b8[i] ? 1.0 : 0.0;
        };
    }

    /** Sets element {@code i}, rounding or truncating to the dtype (generic, slow path). */
    public void set(int i, double v) {
        switch (dtype()) {
            case FLOAT32 -> f32[i] = (float) v;
            case FLOAT64 -> f64[i] = v;
            case INT64 -> i64[i] = (long) v;
            case BOOL -> b8[i] = v != 0;
        }
    }

    /** Element {@code i} of an INT64 or BOOL storage as a long, exactly. */
    public long getLong(int i) {
        return dtype() == DType.INT64 ? i64[i] : (long) get(i);
    }

    /** The backing array: {@code float[]}, {@code double[]}, {@code long[]} or {@code boolean[]} by dtype. */
    public Object array() {
        return switch (dtype()) {
            case FLOAT32 -> f32;
            case FLOAT64 -> f64;
            case INT64 -> i64;
            case BOOL -> b8;
        };
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }
}
