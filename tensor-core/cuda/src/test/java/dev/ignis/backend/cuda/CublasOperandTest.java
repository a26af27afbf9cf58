package dev.ignis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How a strided row-major matrix is handed to cuBLAS (column-major): stored row by row it is its
 * own transpose with no op; stored column by column it is itself, transposed by cuBLAS; neither
 * is refused. Runs without a GPU; the products themselves are checked against the CPU in
 * {@link CudaBackendTest} where a GPU is present.
 */
class CublasOperandTest {
    private static final int N = 0;
    private static final int T = 1;

    private static Optional<Cublas.Operand> of(int rows, int cols, long rowStride, long colStride, boolean out) {
        return Cublas.Operand.of(1000, rows, cols, rowStride, colStride, 0, 4, out);
    }

    @Test
    void aRowMajorMatrixIsItsTransposeWithLeadingDimensionItsRowStride() {
        Cublas.Operand o = of(3, 5, 5, 1, true).orElseThrow();
        assertEquals(N, o.op());
        assertEquals(5, o.ld());
        assertEquals(8, of(3, 5, 8, 1, true).orElseThrow().ld(), "a narrowed row keeps its parent's stride");
    }

    @Test
    void aTransposedViewIsReadWithOpT() {
        // the transpose of a contiguous [5, 3]: shape [3, 5], strides (1, 3)
        Cublas.Operand o = of(3, 5, 1, 3, false).orElseThrow();
        assertEquals(T, o.op());
        assertEquals(3, o.ld());
        assertTrue(of(3, 5, 1, 3, true).isEmpty(), "an output must be stored row by row");
    }

    @Test
    void sizeOneDimensionsTakeAnyStrideAndAValidLeadingDimension() {
        assertEquals(5, of(1, 5, 999, 1, true).orElseThrow().ld());
        assertEquals(N, of(4, 1, 7, 42, true).orElseThrow().op());
        assertEquals(7, of(4, 1, 7, 42, true).orElseThrow().ld());
    }

    @Test
    void layoutsCublasCannotReadAreRefused() {
        assertTrue(of(3, 5, 10, 2, false).isEmpty(), "every other column");
        assertTrue(of(3, 5, 2, 1, false).isEmpty(), "overlapping rows");
        assertTrue(of(3, 5, 1, 2, false).isEmpty(), "overlapping columns");
    }
}
