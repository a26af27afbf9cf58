package dev.ignis.backend.cuda;

import dev.ignis.backend.View;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernels' {@code struct Geo} (ignis_kernels.cu): up to four strided operands over one index
 * space of up to {@value #MAX_DIMS} dimensions, every field a little-endian 64-bit integer (so the
 * layout has no padding), passed to a kernel by value.
 */
final class Geo {
    static final int MAX_DIMS = 8;
    private static final int OPERANDS = 4;
    /** ndim, numel, shape[8], stride[4][8], offset[4], dtype[4]. */
    static final int BYTES = 8 * (2 + MAX_DIMS + OPERANDS * MAX_DIMS + OPERANDS + OPERANDS);

    private Geo() {
    }

    /** The struct for the index space {@code shape} and the operands' strides, offsets and dtypes. */
    static byte[] of(int[] shape, View... operands) {
        if (shape.length > MAX_DIMS || operands.length > OPERANDS) {
            throw new UnsupportedOperationException("cuda: views of more than " + MAX_DIMS + " dimensions ("
                    + shape.length + ") are not supported by the elementwise kernels");
        }
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long numel = 1;
        for (int s : shape) {
            numel *= s;
        }
        b.putLong(shape.length).putLong(numel);
        for (int d = 0; d < MAX_DIMS; d++) {
            b.putLong(d < shape.length ? shape[d] : 1);
        }
        for (int k = 0; k < OPERANDS; k++) {
            for (int d = 0; d < MAX_DIMS; d++) {
                b.putLong(k < operands.length && d < shape.length ? operands[k].stride(d) : 0);
            }
        }
        for (int k = 0; k < OPERANDS; k++) {
            b.putLong(k < operands.length ? operands[k].offset() : 0);
        }
        for (int k = 0; k < OPERANDS; k++) {
            b.putLong(k < operands.length ? CudaCodes.dtype(operands[k].dtype()) : 0);
        }
        return b.array();
    }

    /** The struct with explicit strides per operand (bmm's (batch, row, column) strides), offsets and dtypes. */
    static byte[] ofStrides(long[][] strides, long[] offsets, long[] dtypes) {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(3).putLong(0);
        for (int d = 0; d < MAX_DIMS; d++) {
            b.putLong(1);
        }
        for (int k = 0; k < OPERANDS; k++) {
            for (int d = 0; d < MAX_DIMS; d++) {
                b.putLong(k < strides.length && d < strides[k].length ? strides[k][d] : 0);
            }
        }
        for (int k = 0; k < OPERANDS; k++) {
            b.putLong(k < offsets.length ? offsets[k] : 0);
        }
        for (int k = 0; k < OPERANDS; k++) {
            b.putLong(k < dtypes.length ? dtypes[k] : 0);
        }
        return b.array();
    }
}
