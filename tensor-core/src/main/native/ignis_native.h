/* Shared between the sources of libignisblas.so. */
#ifndef IGNIS_NATIVE_H
#define IGNIS_NATIVE_H

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/* OpenBLAS' cblas_sgemm, bound by CriticalBlas.bind (ignis_blas.c); NULL before that. */
extern sgemm_fn ignis_sgemm;

/*
 * Ignis' own AVX2/FMA SGEMM for small products (ignis_gemm.c): row-major C = op(A)·op(B), C
 * overwritten; returns 0 for a product larger than it takes, on a CPU without AVX2 and FMA, or
 * when its scratch cannot be allocated (C may then be partly written: the caller computes all of
 * it).
 */
int ignis_gemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
               float *c, int ldc);

/* Whether this CPU has AVX2 and FMA, which ignis_gemm and the loops of ignis_vector.c need. */
int ignis_has_avx2_fma(void);

#endif
