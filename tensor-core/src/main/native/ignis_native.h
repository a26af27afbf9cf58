/* Shared between the sources of libignisblas.so. */
#ifndef IGNIS_NATIVE_H
#define IGNIS_NATIVE_H

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/* OpenBLAS' cblas_sgemm, bound by CriticalBlas.bind (ignis_blas.c); NULL before that. */
extern sgemm_fn ignis_sgemm;

#endif
