package dev.ignis.backend.cpu;

import dev.ignis.backend.View;
import dev.ignis.tensor.DType;

/** What the CPU's loops read of a view: whether it is dense float32, and its array. */
public final class CpuViews {
    private CpuViews() {
    }

    /** Whether every non-null view is contiguous float32 (what the fast loops take). */
    public static boolean f32Contiguous(View... ts) {
        for (View t : ts) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous())) {
                return false;
            }
        }
        return true;
    }

    public static float[] data(View t) {
        return ((CpuStorage) t.storage()).f32;
    }
}
