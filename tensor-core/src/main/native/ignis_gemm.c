/*
 * Ignis' own single-threaded SGEMM for AVX2 and FMA, C = op(A)·op(B) in row-major layout with C
 * overwritten, for the small products of training steps (a batch of 64 against layers of a few
 * hundred units), where OpenBLAS spends a noticeable share of the call outside its kernel: packing
 * both operands and clearing C in a pass of its own before accumulating into it.
 *
 * One kernel computes a 6×16 tile of P = X·Y over the whole inner dimension in 12 AVX registers:
 * for each k, two loads of 16 consecutive y(k, ·) and six broadcasts of x(·, k), 12 fused
 * multiply-adds. X is read in place through a row stride and an inner stride, so it may be
 * either operand, transposed or not; Y is read in place wherever its 16 columns are consecutive
 * in memory. The four layouts map onto it as
 *   C = A·B     P = C,   X = A,   Y = B
 *   C = Aᵀ·B    P = C,   X = Aᵀ (strides swapped), Y = B
 *   C = Aᵀ·Bᵀ   P = Cᵀ,  X = B,   Y = A
 *   C = A·Bᵀ    P = Cᵀ,  X = B,   Y = Aᵀ, the one operand copied (transposed into scratch)
 * and a transposed P is scattered into C one tile at a time. A transposed X (the second row of
 * the table) is first copied into k-major panels of 6 rows where that copy takes at most 4 MB. A
 * last partial block of rows or columns is computed as the full block that ends at the matrix's
 * edge, overlapping the one before it, and only its new rows or columns are stored; a matrix
 * narrower than one block is copied into zero-padded scratch (columns) or done a row at a time
 * (rows).
 *
 * Each element of C is one sum over k in increasing order, one FMA per term: results do not
 * depend on the blocking, on the layout or on how the caller splits C between threads.
 */
#include <immintrin.h>
#include <stdlib.h>

#include "ignis_native.h"

#define MR 6
#define NR 16

/*
 * The products this kernel takes; larger ones go to OpenBLAS. Without blocking of the inner
 * dimension or of the rows, a large product rereads X from memory once per 16 columns: at
 * 1024×1024×1024 this kernel ran 62-67 GFLOP/s against OpenBLAS' 119-124 (2 threads, bench gemm).
 * The limits keep a 16-column sliver of Y (k × 16 floats, 64 KB) in L2 and take every GEMM of
 * the Fashion MLP (the largest, 64×256×784, is 12.8M multiply-adds).
 */
#define IGNIS_GEMM_MAX_MULTIPLY_ADDS (1L << 24)
#define IGNIS_GEMM_MAX_DEPTH 1024

/*
 * The most floats an operand copy may take (4 MB; the per-thread scratch is kept): a taller
 * transposed left operand is read in place, and A·Bᵀ with a taller A goes to OpenBLAS. The
 * Fashion MLP's copies are 50K floats (fc1's Aᵀ) and 16K (fc1's Gᵀ panels).
 */
#define IGNIS_GEMM_MAX_COPY_FLOATS (1L << 20)

/* t[r·ts + j] = Σ_k x[r·xrs + k·xcs] · y[k·yks + j] for r < 6, j < 16. */
__attribute__((target("avx2,fma")))
static inline void tile(int k_len, const float *x, long xrs, long xcs, const float *y, long yks, float *t, long ts) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    /* rows 0-2 and 3-5 from two pointers, so every broadcast is one addressing mode off a pointer */
    const float *x0 = x;
    const float *x3 = x + 3 * xrs;
    for (int k = 0; k < k_len; k++) {
        __m256 y0 = _mm256_loadu_ps(y);
        __m256 y1 = _mm256_loadu_ps(y + 8);
/* one row of the tile: broadcast x(row, k), multiply-add into its two accumulators */
#define ROW(ptr, lo, hi) do { \
            __m256 v = _mm256_broadcast_ss(ptr); \
            lo = _mm256_fmadd_ps(v, y0, lo); \
            hi = _mm256_fmadd_ps(v, y1, hi); \
        } while (0)
        ROW(x0, c00, c01);
        ROW(x0 + xrs, c10, c11);
        ROW(x0 + 2 * xrs, c20, c21);
        ROW(x3, c30, c31);
        ROW(x3 + xrs, c40, c41);
        ROW(x3 + 2 * xrs, c50, c51);
#undef ROW
        x0 += xcs;
        x3 += xcs;
        y += yks;
    }
    _mm256_storeu_ps(t, c00);
    _mm256_storeu_ps(t + 8, c01);
    _mm256_storeu_ps(t + ts, c10);
    _mm256_storeu_ps(t + ts + 8, c11);
    _mm256_storeu_ps(t + 2 * ts, c20);
    _mm256_storeu_ps(t + 2 * ts + 8, c21);
    _mm256_storeu_ps(t + 3 * ts, c30);
    _mm256_storeu_ps(t + 3 * ts + 8, c31);
    _mm256_storeu_ps(t + 4 * ts, c40);
    _mm256_storeu_ps(t + 4 * ts + 8, c41);
    _mm256_storeu_ps(t + 5 * ts, c50);
    _mm256_storeu_ps(t + 5 * ts + 8, c51);
}

/* Per-thread scratch, grown on demand and kept (the intra-op pool's threads live as long as the JVM). */
static __thread float *scratch_buf[3];
static __thread long scratch_len[3];

static float *scratch(int which, long floats) {
    if (scratch_len[which] < floats) {
        free(scratch_buf[which]);
        long bytes = (floats * (long) sizeof(float) + 63) / 64 * 64;
        scratch_buf[which] = aligned_alloc(64, bytes);
        scratch_len[which] = scratch_buf[which] != NULL ? floats : 0;
    }
    return scratch_buf[which];
}

/* 16 columns of Y as the kernel reads them: y(k, j) = base[k·stride + j], P's columns first..first+15. */
typedef struct {
    const float *base;
    long stride;
    int first;   /* P's column of base[0] */
    int skip;    /* leading columns already stored by the block before (an overlapping last block) */
    int count;   /* columns of P from first on that exist */
} sliver;

/*
 * The sliver holding P's columns c0..c0+15. Y has `cols` columns, or, with `padded`, readable
 * zeros up to the next multiple of 16. Returns 0 (nothing to read) when scratch is unavailable.
 */
static int sliver_at(sliver *s, int c0, int cols, int k_len, const float *y, long yks, int padded) {
    s->first = c0;
    s->skip = 0;
    s->base = y + c0;
    s->stride = yks;
    if (c0 + NR > cols && !padded) {
        if (cols >= NR) {
            s->first = cols - NR;
            s->skip = c0 - s->first;
            s->base = y + s->first;
        } else {
            float *p = scratch(1, (long) k_len * NR);
            if (p == NULL) {
                return 0;
            }
            for (int k = 0; k < k_len; k++) {
                for (int j = 0; j < NR; j++) {
                    p[k * NR + j] = j < cols - c0 ? y[k * yks + c0 + j] : 0.0f;
                }
            }
            s->base = p;
            s->stride = NR;
        }
    }
    s->count = cols - s->first < NR ? cols - s->first : NR;
    return 1;
}

/*
 * P's rows first..first+5 by one sliver, x(first + i, k) = xb[i·xrs + k·xcs]; the first `skip`
 * rows were stored by the block before (an overlapping last block).
 */
__attribute__((target("avx2,fma")))
static void block(int first, int skip, int k_len, const float *xb, long xrs, long xcs, const sliver *s,
                  float *c, long crs, long ccs) {
    float t[MR * NR] __attribute__((aligned(32)));
    if (ccs == 1 && skip == 0 && s->skip == 0 && s->count == NR) {
        tile(k_len, xb, xrs, xcs, s->base, s->stride, c + first * crs + s->first, crs);
        return;
    }
    tile(k_len, xb, xrs, xcs, s->base, s->stride, t, NR);
    for (int j = s->skip; j < s->count; j++) {
        for (int i = skip; i < MR; i++) {
            c[(first + i) * crs + (s->first + j) * ccs] = t[i * NR + j];
        }
    }
}

/* P's rows one at a time, for P of fewer than 6 rows: every row of the tile is row r. */
__attribute__((target("avx2,fma")))
static void single_rows(int rows, int k_len, const float *x, long xrs, long xcs, const sliver *s,
                        float *c, long crs, long ccs) {
    float t[MR * NR] __attribute__((aligned(32)));
    for (int r = 0; r < rows; r++) {
        tile(k_len, x + r * xrs, 0, xcs, s->base, s->stride, t, NR);
        for (int j = s->skip; j < s->count; j++) {
            c[r * crs + (s->first + j) * ccs] = t[j];
        }
    }
}

/*
 * X's blocks of 6 rows copied k-major (panel[b][k][i] = x(first_b + i, k)) when X is strided
 * along k (a transposed operand, e.g. Gᵀ in a weight gradient): the kernel then reads each k's six
 * values from one cache line instead of one line per k.
 */
static float *pack_panels(int rows, int k_len, const float *x, long xrs, long xcs) {
    int blocks = (rows + MR - 1) / MR;
    float *panels = scratch(2, (long) blocks * MR * k_len);
    if (panels == NULL) {
        return NULL;
    }
    for (int b = 0; b < blocks; b++) {
        int first = b * MR + MR <= rows ? b * MR : rows - MR;
        float *p = panels + (long) b * MR * k_len;
        for (int k = 0; k < k_len; k++) {
            for (int i = 0; i < MR; i++) {
                p[k * MR + i] = x[(first + i) * xrs + k * xcs];
            }
        }
    }
    return panels;
}

/*
 * P[rows × cols] = X·Y with x(r, k) = x[r·xrs + k·xcs], y(k, j) = y[k·yks + j]; P(r, j) is stored
 * at c[r·crs + j·ccs]. Column slivers outside, so each sliver (k_len × 16) is read from cache by
 * every block of rows.
 */
static int product(int rows, int cols, int k_len, const float *x, long xrs, long xcs, const float *y, long yks,
                   int padded, float *c, long crs, long ccs) {
    long panel_floats = (long) (rows + MR - 1) / MR * MR * k_len;
    const float *panels = xcs != 1 && rows >= MR && panel_floats <= IGNIS_GEMM_MAX_COPY_FLOATS
            ? pack_panels(rows, k_len, x, xrs, xcs) : NULL;
    for (int c0 = 0; c0 < cols; c0 += NR) {
        sliver s;
        if (!sliver_at(&s, c0, cols, k_len, y, yks, padded)) {
            return 0;
        }
        if (rows < MR) {
            single_rows(rows, k_len, x, xrs, xcs, &s, c, crs, ccs);
            continue;
        }
        for (int r0 = 0; r0 < rows; r0 += MR) {
            int first = r0 + MR <= rows ? r0 : rows - MR;
            if (panels != NULL) {
                block(first, r0 - first, k_len, panels + (long) (r0 / MR) * MR * k_len, 1, MR, &s, c, crs, ccs);
            } else {
                block(first, r0 - first, k_len, x + first * xrs, xrs, xcs, &s, c, crs, ccs);
            }
        }
    }
    return 1;
}

/* dst[k·w + i] = a[i·lda + k] for i < m, zeros for m <= i < w (w a multiple of 8), k < k_len. */
__attribute__((target("avx2,fma")))
static void transpose_padded(int m, int k_len, const float *a, int lda, float *dst, long w) {
    int k8 = k_len / 8 * 8;
    for (int i = 0; i < w; i += 8) {
        if (i + 8 <= m) {
            for (int k = 0; k < k8; k += 8) {
                const float *s = a + (long) i * lda + k;
                __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + lda);
                __m256 r2 = _mm256_loadu_ps(s + 2L * lda), r3 = _mm256_loadu_ps(s + 3L * lda);
                __m256 r4 = _mm256_loadu_ps(s + 4L * lda), r5 = _mm256_loadu_ps(s + 5L * lda);
                __m256 r6 = _mm256_loadu_ps(s + 6L * lda), r7 = _mm256_loadu_ps(s + 7L * lda);
                __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
                __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
                __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
                __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
                __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
                __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
                __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
                __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
                float *d = dst + (long) k * w + i;
                _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
                _mm256_storeu_ps(d + w, _mm256_permute2f128_ps(u1, u5, 0x20));
                _mm256_storeu_ps(d + 2 * w, _mm256_permute2f128_ps(u2, u6, 0x20));
                _mm256_storeu_ps(d + 3 * w, _mm256_permute2f128_ps(u3, u7, 0x20));
                _mm256_storeu_ps(d + 4 * w, _mm256_permute2f128_ps(u0, u4, 0x31));
                _mm256_storeu_ps(d + 5 * w, _mm256_permute2f128_ps(u1, u5, 0x31));
                _mm256_storeu_ps(d + 6 * w, _mm256_permute2f128_ps(u2, u6, 0x31));
                _mm256_storeu_ps(d + 7 * w, _mm256_permute2f128_ps(u3, u7, 0x31));
            }
            for (int k = k8; k < k_len; k++) {
                for (int q = 0; q < 8; q++) {
                    dst[(long) k * w + i + q] = a[(long) (i + q) * lda + k];
                }
            }
        } else {
            for (int k = 0; k < k_len; k++) {
                for (int q = 0; q < 8; q++) {
                    dst[(long) k * w + i + q] = i + q < m ? a[(long) (i + q) * lda + k] : 0.0f;
                }
            }
        }
    }
}

int ignis_gemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
               float *c, int ldc) {
    if (!ignis_has_avx2_fma() || (long) m * n * k > IGNIS_GEMM_MAX_MULTIPLY_ADDS || k > IGNIS_GEMM_MAX_DEPTH) {
        return 0;
    }
    if (!trans_b) {
        /* P = C, X = op(A) in place, Y = B */
        return product(m, n, k, a, trans_a ? 1 : lda, trans_a ? lda : 1, b, ldb, 0, c, ldc, 1);
    }
    if (trans_a) {
        /* P = Cᵀ = B·A: X = B (n × k), y(k, i) = a[k·lda + i] */
        return product(n, m, k, b, ldb, 1, a, lda, 0, c, 1, ldc);
    }
    /* P = Cᵀ = B·Aᵀ: Aᵀ copied into k × w scratch, its columns padded with zeros to w */
    long w = (m + NR - 1) / NR * NR;
    float *at = w * k <= IGNIS_GEMM_MAX_COPY_FLOATS ? scratch(0, w * k) : NULL;
    if (at == NULL) {
        return 0;
    }
    transpose_padded(m, k, a, lda, at, w);
    return product(n, m, k, b, ldb, 1, at, w, 1, c, 1, ldc);
}
