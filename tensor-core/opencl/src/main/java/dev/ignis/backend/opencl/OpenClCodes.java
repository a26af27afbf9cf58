package dev.ignis.backend.opencl;

import dev.ignis.tensor.DType;

/** The dtype codes {@link ArenaKernel} uses (its arenas: bool 0, int64 1, float32 2, float64 3). */
final class OpenClCodes {
    private OpenClCodes() {
    }

    static int dtype(DType dtype) {
        return switch (dtype) {
            case BOOL -> 0;
            case INT64 -> 1;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
        };
    }

    /** Bytes of one element as the arenas hold it (bool as a byte). */
    static int itemBytes(DType dtype) {
        return dtype == DType.BOOL ? 1 : dtype.itemSize();
    }
}
