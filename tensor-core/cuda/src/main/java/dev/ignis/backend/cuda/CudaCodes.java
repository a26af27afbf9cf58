package dev.ignis.backend.cuda;

import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;
import dev.ignis.tensor.DType;

/**
 * The codes the kernels take (ignis_kernels.cu): dtypes BOOL 0, INT64 1, FLOAT32 2, FLOAT64 3;
 * unary and binary ops by their ordinals, which the kernels' switches follow in the enums' order
 * (CudaCodesTest checks both against the names the kernels' comments give).
 */
final class CudaCodes {
    private CudaCodes() {
    }

    static long dtype(DType t) {
        return switch (t) {
            case BOOL -> 0;
            case INT64 -> 1;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
        };
    }

    static int unary(UnaryOp op) {
        return op.ordinal();
    }

    static int binary(BinaryOp op) {
        return op.ordinal();
    }
}
