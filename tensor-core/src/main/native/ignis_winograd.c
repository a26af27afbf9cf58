/*
 * JNI entry points of dev.ignis.backend.cpu.WinogradNative: one block of samples of a 3x3,
 * unit-stride convolution by Winograd's F(2x2, 3x3), forward or backward. The math, the transform
 * matrices and the layouts of V, M, U and their gradients are in WinogradConv's Javadoc; here are
 * the tile transforms between those layouts and the NCHW planes, and the 16 GEMMs between them.
 *
 * Written in C because the transforms are gathers and scatters of 4x4 patches with stride 2,
 * which HotSpot 17 compiles to scalar code with a bounds check per access: on the Fashion CNN's
 * second layer the output transform took 2.8 ms in Java against 0.9 ms here.
 *
 * Each thread keeps one scratch buffer (the block's V and M) that grows to the largest layer it
 * has run and is kept for the thread's life, so blocks allocate and fault in no memory.
 */
#include <jni.h>
#include <stdlib.h>
#include <string.h>

#include "ignis_native.h"

/* One block's sizes: nb samples, C input and O output channels, tiles of 2x2 outputs. */
typedef struct {
    int nb, c, h, w, o, oh, ow, ph, pw;
    int tile_rows, tile_cols, tiles, positions;
    int pad_rows, pad_cols;
} geometry;

/* Reads {nb, C, H, W, O, OH, OW, ph, pw}; false when the array is not that long. */
static int read_geometry(JNIEnv *env, jintArray dims, geometry *g) {
    jint d[9];
    if ((*env)->GetArrayLength(env, dims) != 9) {
        return 0;
    }
    (*env)->GetIntArrayRegion(env, dims, 0, 9, d);
    g->nb = d[0]; g->c = d[1]; g->h = d[2]; g->w = d[3]; g->o = d[4];
    g->oh = d[5]; g->ow = d[6]; g->ph = d[7]; g->pw = d[8];
    g->tile_rows = (g->oh + 1) / 2;
    g->tile_cols = (g->ow + 1) / 2;
    g->tiles = g->tile_rows * g->tile_cols;
    g->positions = g->nb * g->tiles;
    /* tiles read padded rows 0 .. 2·TH + 1, and H + ph ≤ OH + 2 − ph ≤ 2·TH + 2 rows hold the input */
    g->pad_rows = 2 * g->tile_rows + 2;
    g->pad_cols = 2 * g->tile_cols + 2;
    return 1;
}

static __thread float *scratch;
static __thread size_t scratch_floats;

/* This thread's scratch of at least n floats (contents undefined); NULL when out of memory. */
static float *scratch_of(size_t n) {
    if (n > scratch_floats) {
        free(scratch);
        scratch = malloc(n * sizeof(float));
        scratch_floats = scratch != NULL ? n : 0;
    }
    return scratch;
}

/*
 * Reads the block's geometry and carves this thread's scratch into V ([16][C][P]), M ([16][O][P])
 * and one padded plane; false when the geometry is malformed or the scratch not allocated.
 */
static int prepare_block(JNIEnv *env, jintArray dims, geometry *g, float **v, float **m, float **pad) {
    if (!read_geometry(env, dims, g)) {
        return 0;
    }
    long p = g->positions;
    *v = scratch_of(16L * (g->c + g->o) * p + (long) g->pad_rows * g->pad_cols);
    if (*v == NULL) {
        return 0;
    }
    *m = *v + 16L * g->c * p;
    *pad = *m + 16L * g->o * p;
    return 1;
}

/* pad (overwritten) = the H×W plane x placed at (ph, pw), zero around it. */
static void pad_plane(const float *x, const geometry *g, float *pad) {
    memset(pad, 0, sizeof(float) * g->pad_rows * g->pad_cols);
    for (int r = 0; r < g->h; r++) {
        memcpy(pad + (r + g->ph) * g->pad_cols + g->pw, x + r * g->w, sizeof(float) * g->w);
    }
}

/* v[ξ·stride + tile] = (Bᵀ·d·B)[ξ] for each tile's 4×4 patch d of the padded plane. */
static void input_tiles(const float *pad, const geometry *g, float *v, long stride) {
    int cols = g->pad_cols;
    for (int ty = 0; ty < g->tile_rows; ty++) {
        for (int tx = 0; tx < g->tile_cols; tx++) {
            const float *d = pad + 2 * ty * cols + 2 * tx;
            float t[4][4];
            for (int j = 0; j < 4; j++) {
                float d0 = d[j], d1 = d[cols + j], d2 = d[2 * cols + j], d3 = d[3 * cols + j];
                t[0][j] = d0 - d2;
                t[1][j] = d1 + d2;
                t[2][j] = d2 - d1;
                t[3][j] = d1 - d3;
            }
            float *out = v + ty * g->tile_cols + tx;
            for (int r = 0; r < 4; r++, out += 4 * stride) {
                out[0] = t[r][0] - t[r][2];
                out[stride] = t[r][1] + t[r][2];
                out[2 * stride] = t[r][2] - t[r][1];
                out[3 * stride] = t[r][1] - t[r][3];
            }
        }
    }
}

/* y (the OH×OW plane, overwritten) = bias + Aᵀ·m·A for each tile, m_ξ at m[ξ·stride + tile]. */
static void output_tiles(const float *m, long stride, float bias, const geometry *g, float *y) {
    int ow = g->ow;
    for (int ty = 0; ty < g->tile_rows; ty++) {
        for (int tx = 0; tx < g->tile_cols; tx++) {
            const float *q = m + ty * g->tile_cols + tx;
            float r0[4], r1[4];
            for (int k = 0; k < 4; k++) {
                float a = q[k * stride], b = q[(4 + k) * stride], c = q[(8 + k) * stride], d = q[(12 + k) * stride];
                r0[k] = a + b + c;
                r1[k] = b - c - d;
            }
            int i = 2 * ty, j = 2 * tx;
            int wide = j + 1 < ow;
            float *row = y + i * ow + j;
            row[0] = bias + (r0[0] + r0[1] + r0[2]);
            if (wide) {
                row[1] = bias + (r0[1] - r0[2] - r0[3]);
            }
            if (i + 1 < g->oh) {
                row[ow] = bias + (r1[0] + r1[1] + r1[2]);
                if (wide) {
                    row[ow + 1] = bias + (r1[1] - r1[2] - r1[3]);
                }
            }
        }
    }
}

/* dm[ξ·stride + tile] = (A·dy·Aᵀ)[ξ] for each tile's 2×2 dy of the OH×OW plane (zero past its edge). */
static void gradient_tiles(const float *gy, const geometry *g, float *dm, long stride) {
    int ow = g->ow;
    for (int ty = 0; ty < g->tile_rows; ty++) {
        for (int tx = 0; tx < g->tile_cols; tx++) {
            int i = 2 * ty, j = 2 * tx;
            int wide = j + 1 < ow, tall = i + 1 < g->oh;
            const float *row = gy + i * ow + j;
            float a0 = row[0], a1 = wide ? row[1] : 0.0f;
            float b0 = tall ? row[ow] : 0.0f, b1 = tall && wide ? row[ow + 1] : 0.0f;
            /* A·dy: rows (a, a + b, a − b, −b); then ·Aᵀ on each row, (e0, e0 + e1, e0 − e1, −e1) */
            float e[4][2] = {{a0, a1}, {a0 + b0, a1 + b1}, {a0 - b0, a1 - b1}, {-b0, -b1}};
            float *out = dm + ty * g->tile_cols + tx;
            for (int r = 0; r < 4; r++, out += 4 * stride) {
                out[0] = e[r][0];
                out[stride] = e[r][0] + e[r][1];
                out[2 * stride] = e[r][0] - e[r][1];
                out[3 * stride] = -e[r][1];
            }
        }
    }
}

/*
 * gx (the H×W plane, overwritten) = the padded plane's interior after pad += B·dv·Bᵀ for each
 * tile, dv_ξ at v[ξ·stride + tile]: the adjoint of input_tiles. Patches overlap by two rows and
 * columns.
 */
static void scatter_tiles(const float *v, long stride, const geometry *g, float *pad, float *gx) {
    int cols = g->pad_cols;
    memset(pad, 0, sizeof(float) * g->pad_rows * cols);
    for (int ty = 0; ty < g->tile_rows; ty++) {
        for (int tx = 0; tx < g->tile_cols; tx++) {
            const float *q = v + ty * g->tile_cols + tx;
            float t[4][4];
            /* B·dv on each column k: (v0, v1 − v2 + v3, −v0 + v1 + v2, −v3) */
            for (int k = 0; k < 4; k++) {
                float v0 = q[k * stride], v1 = q[(4 + k) * stride], v2 = q[(8 + k) * stride], v3 = q[(12 + k) * stride];
                t[0][k] = v0;
                t[1][k] = v1 - v2 + v3;
                t[2][k] = v1 + v2 - v0;
                t[3][k] = -v3;
            }
            float *d = pad + 2 * ty * cols + 2 * tx;
            for (int r = 0; r < 4; r++, d += cols) {
                d[0] += t[r][0];
                d[1] += t[r][1] - t[r][2] + t[r][3];
                d[2] += t[r][1] + t[r][2] - t[r][0];
                d[3] -= t[r][3];
            }
        }
    }
    for (int r = 0; r < g->h; r++) {
        memcpy(gx + r * g->w, pad + (r + g->ph) * cols + g->pw, sizeof(float) * g->w);
    }
}

/* The V of a block: every sample's and channel's input tiles, [16][C][P]. */
static void input_block(const float *x, const geometry *g, float *pad, float *v) {
    long p = g->positions;
    for (int n = 0; n < g->nb; n++) {
        for (int c = 0; c < g->c; c++) {
            pad_plane(x + ((long) n * g->c + c) * g->h * g->w, g, pad);
            input_tiles(pad, g, v + c * p + n * g->tiles, g->c * p);
        }
    }
}

/* Releases whichever of the arrays were pinned (mode 0 copies back, JNI_ABORT does not). */
static void release(JNIEnv *env, jfloatArray array, float *pinned, jint mode) {
    if (pinned != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, array, pinned, mode);
    }
}

static float *pin(JNIEnv *env, jfloatArray array) {
    return array == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, array, NULL);
}

JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_conv_WinogradNative_linked(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ignis_sgemm != NULL ? JNI_TRUE : JNI_FALSE;
}

/*
 * y[n, o] = bias[o] + conv(x[n], w[o]) for the block's nb samples; u = the transformed weights
 * [16][O][C]; bias may be null. False, with nothing written, when an array could not be pinned or
 * the scratch not allocated.
 */
JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_conv_WinogradNative_forward(JNIEnv *env, jclass cls,
        jintArray dims, jfloatArray x, jint x_off, jfloatArray u, jfloatArray bias, jint bias_off,
        jfloatArray y, jint y_off) {
    (void) cls;
    geometry g;
    float *v, *m, *pad;
    if (!prepare_block(env, dims, &g, &v, &m, &pad)) {
        return JNI_FALSE;
    }
    long p = g.positions;
    jboolean done = JNI_FALSE;
    float *px = pin(env, x), *pu = pin(env, u), *pb = pin(env, bias), *py = pin(env, y);
    if (px != NULL && pu != NULL && (bias == NULL || pb != NULL) && py != NULL) {
        input_block(px + x_off, &g, pad, v);
        for (int xi = 0; xi < 16; xi++) {
            ignis_sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, g.o, (int) p, g.c, 1.0f, pu + (long) xi * g.o * g.c, g.c,
                        v + xi * g.c * p, (int) p, 0.0f, m + xi * g.o * p, (int) p);
        }
        for (int n = 0; n < g.nb; n++) {
            for (int o = 0; o < g.o; o++) {
                float b = pb != NULL ? pb[bias_off + o] : 0.0f;
                output_tiles(m + o * p + n * g.tiles, g.o * p, b, &g, py + y_off + ((long) n * g.o + o) * g.oh * g.ow);
            }
        }
        done = JNI_TRUE;
    }
    release(env, y, py, 0);
    release(env, bias, pb, JNI_ABORT);
    release(env, u, pu, JNI_ABORT);
    release(env, x, px, JNI_ABORT);
    return done;
}

/*
 * From gy (the block's [nb, O, OH, OW]): du [16][O][C] (overwritten) = Σ over the block's tiles
 * dM_ξ·V_ξᵀ, when du is not null (x then given); gx [nb, C, H, W] (overwritten) = the input
 * gradient, when gx is not null (u, the transformed weights, then given). False, with nothing
 * written, when an array could not be pinned or the scratch not allocated.
 */
JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_conv_WinogradNative_backward(JNIEnv *env, jclass cls,
        jintArray dims, jfloatArray gy, jint gy_off, jfloatArray x, jint x_off, jfloatArray du,
        jfloatArray u, jfloatArray gx, jint gx_off) {
    (void) cls;
    geometry g;
    float *v, *dm, *pad;
    if (!prepare_block(env, dims, &g, &v, &dm, &pad)) {
        return JNI_FALSE;
    }
    long p = g.positions;
    jboolean done = JNI_FALSE;
    float *pgy = pin(env, gy), *px = pin(env, x), *pdu = pin(env, du), *pu = pin(env, u), *pgx = pin(env, gx);
    if (pgy != NULL && (du == NULL || (px != NULL && pdu != NULL)) && (gx == NULL || (pu != NULL && pgx != NULL))) {
        for (int n = 0; n < g.nb; n++) {
            for (int o = 0; o < g.o; o++) {
                gradient_tiles(pgy + gy_off + ((long) n * g.o + o) * g.oh * g.ow, &g, dm + o * p + n * g.tiles,
                               g.o * p);
            }
        }
        if (pdu != NULL) {
            input_block(px + x_off, &g, pad, v);
            for (int xi = 0; xi < 16; xi++) {
                ignis_sgemm(ROW_MAJOR, NO_TRANS, TRANS, g.o, g.c, (int) p, 1.0f, dm + xi * g.o * p, (int) p,
                            v + xi * g.c * p, (int) p, 0.0f, pdu + (long) xi * g.o * g.c, g.c);
            }
        }
        if (pgx != NULL) {
            for (int xi = 0; xi < 16; xi++) {
                ignis_sgemm(ROW_MAJOR, TRANS, NO_TRANS, g.c, (int) p, g.o, 1.0f, pu + (long) xi * g.o * g.c, g.c,
                            dm + xi * g.o * p, (int) p, 0.0f, v + xi * g.c * p, (int) p);
            }
            for (int n = 0; n < g.nb; n++) {
                for (int c = 0; c < g.c; c++) {
                    scatter_tiles(v + c * p + n * g.tiles, g.c * p, &g, pad,
                                  pgx + gx_off + ((long) n * g.c + c) * g.h * g.w);
                }
            }
        }
        done = JNI_TRUE;
    }
    release(env, gx, pgx, 0);
    release(env, u, pu, JNI_ABORT);
    release(env, du, pdu, 0);
    release(env, x, px, JNI_ABORT);
    release(env, gy, pgy, JNI_ABORT);
    return done;
}
