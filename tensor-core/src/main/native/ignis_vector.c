/*
 * JNI entry points of dev.ignis.backend.cpu.NativeVector: the float32 loops a training step runs
 * on every activation and parameter (the optimizers' updates, ReLU and its gradient, a bias added
 * to every row, a bias gradient's column sums), over Java arrays pinned in place. In C they run
 * compiled from the first step, where the Java loops spend the first hundreds of steps in the
 * interpreter and in C1 code while the JIT works through its queue. Each produces the same bits
 * as the Java loop it stands in for (stated per function).
 *
 * The loops are built for AVX2 and FMA and chosen at run time; on another CPU every entry point
 * returns false and the Java loops run. The Java side checks bounds and aliasing.
 */
#include <jni.h>
#include <math.h>
#include <string.h>

#include <immintrin.h>

#include "ignis_native.h"

/* y = fma(a, x, y·b): one vectorised vfmadd per 8 floats, rounded as Java's Math.fma(a, x, y * b). */
__attribute__((target("avx2,fma")))
static void axpby_fma(int n, float a, const float *x, float b, float *y) {
    for (int i = 0; i < n; i++) {
        y[i] = fmaf(a, x[i], y[i] * b);
    }
}

/* y = Math.max(x, +0f): NaN passes with its bits, −0 becomes +0. */
__attribute__((target("avx2,fma")))
static void relu_avx2(int n, const float *x, float *y) {
    __m256 zero = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 positive = _mm256_max_ps(v, zero);   /* v > 0 ? v : +0, so NaN and −0 give +0 ... */
        __m256 nan = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
        _mm256_storeu_ps(y + i, _mm256_blendv_ps(positive, v, nan));   /* ... and NaN is put back */
    }
    for (; i < n; i++) {
        float v = x[i];
        y[i] = v != v ? v : v > 0 ? v : 0.0f;
    }
}

/* y = b <= 0 ? +0 : a, a's bits passed unchanged (NaN b passes a): ReLU's gradient given its output b. */
__attribute__((target("avx2,fma")))
static void mask_positive_avx2(int n, const float *a, const float *b, float *y) {
    __m256 zero = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 keep = _mm256_cmp_ps(_mm256_loadu_ps(b + i), zero, _CMP_NLE_UQ);   /* !(b <= 0) */
        _mm256_storeu_ps(y + i, _mm256_and_ps(_mm256_loadu_ps(a + i), keep));
    }
    for (; i < n; i++) {
        unsigned int bits;
        memcpy(&bits, a + i, sizeof bits);
        bits = b[i] <= 0 ? 0u : bits;
        memcpy(y + i, &bits, sizeof bits);
    }
}

/* y[r·cols + c] = a[r·cols + c] + bias[c]: one float add per element, as in Java. */
__attribute__((target("avx2,fma")))
static void add_rows_avx2(int rows, int cols, const float *a, const float *bias, float *y) {
    for (int r = 0; r < rows; r++) {
        const float *in = a + (long) r * cols;
        float *out = y + (long) r * cols;
        for (int c = 0; c < cols; c++) {
            out[c] = in[c] + bias[c];
        }
    }
}

/*
 * out[c] = (float) Σ_r x[r·cols + c], each column summed in double down the rows in order, as
 * CpuBackend.sumColumns sums it (float to double is exact and the adds are the same, in the same
 * order). Columns go 512 at a time so that the accumulators stay on the stack.
 */
__attribute__((target("avx2,fma")))
static void sum_columns_avx2(int rows, int cols, const float *x, float *out) {
    double acc[512];
    for (int c0 = 0; c0 < cols; c0 += 512) {
        int width = cols - c0 < 512 ? cols - c0 : 512;
        for (int j = 0; j < width; j++) {
            acc[j] = 0.0;
        }
        for (int r = 0; r < rows; r++) {
            const float *row = x + (long) r * cols + c0;
            for (int j = 0; j < width; j++) {
                acc[j] += row[j];
            }
        }
        for (int j = 0; j < width; j++) {
            out[c0 + j] = (float) acc[j];
        }
    }
}

/*
 * Pins up to three arrays (NULL ones skipped); false when one fails (release_all then releases the
 * others). An array passed twice (an op in place) is pinned twice: HotSpot pins, never copies, so
 * both pins see the same memory.
 */
typedef struct {
    jarray array[3];
    void *data[3];
    jint mode[3];   /* 0: copy back (written), JNI_ABORT: read only */
} pins;

static int pin_all(JNIEnv *env, pins *p) {
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        p->data[i] = NULL;
    }
    for (int i = 0; i < 3 && ok; i++) {
        if (p->array[i] != NULL) {
            p->data[i] = (*env)->GetPrimitiveArrayCritical(env, p->array[i], NULL);
            ok = p->data[i] != NULL;
        }
    }
    return ok;
}

static void release_all(JNIEnv *env, pins *p) {
    for (int i = 2; i >= 0; i--) {
        if (p->data[i] != NULL) {
            (*env)->ReleasePrimitiveArrayCritical(env, p->array[i], p->data[i], p->mode[i]);
        }
    }
}

JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_elementwise_NativeVector_supportedNative(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ignis_has_avx2_fma() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_elementwise_NativeVector_axpbyNative(JNIEnv *env, jclass cls, jint n, jfloat a,
        jfloatArray x, jint x_off, jfloat b, jfloatArray y, jint y_off) {
    (void) cls;
    pins p = {{x, y, NULL}, {0}, {JNI_ABORT, 0, 0}};
    int ok = ignis_has_avx2_fma() && pin_all(env, &p);
    if (ok) {
        axpby_fma(n, a, (float *) p.data[0] + x_off, b, (float *) p.data[1] + y_off);
    }
    release_all(env, &p);
    return ok ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_elementwise_NativeVector_reluNative(JNIEnv *env, jclass cls, jint n,
        jfloatArray x, jint x_off, jfloatArray y, jint y_off) {
    (void) cls;
    pins p = {{x, y, NULL}, {0}, {JNI_ABORT, 0, 0}};
    int ok = ignis_has_avx2_fma() && pin_all(env, &p);
    if (ok) {
        relu_avx2(n, (float *) p.data[0] + x_off, (float *) p.data[1] + y_off);
    }
    release_all(env, &p);
    return ok ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_elementwise_NativeVector_maskPositiveNative(JNIEnv *env, jclass cls, jint n,
        jfloatArray a, jint a_off, jfloatArray b, jint b_off, jfloatArray y, jint y_off) {
    (void) cls;
    pins p = {{a, b, y}, {0}, {JNI_ABORT, JNI_ABORT, 0}};
    int ok = ignis_has_avx2_fma() && pin_all(env, &p);
    if (ok) {
        mask_positive_avx2(n, (float *) p.data[0] + a_off, (float *) p.data[1] + b_off, (float *) p.data[2] + y_off);
    }
    release_all(env, &p);
    return ok ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_elementwise_NativeVector_addRowsNative(JNIEnv *env, jclass cls, jint rows,
        jint cols, jfloatArray a, jint a_off, jfloatArray bias, jint bias_off, jfloatArray y, jint y_off) {
    (void) cls;
    pins p = {{a, bias, y}, {0}, {JNI_ABORT, JNI_ABORT, 0}};
    int ok = ignis_has_avx2_fma() && pin_all(env, &p);
    if (ok) {
        add_rows_avx2(rows, cols, (float *) p.data[0] + a_off, (float *) p.data[1] + bias_off,
                      (float *) p.data[2] + y_off);
    }
    release_all(env, &p);
    return ok ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_elementwise_NativeVector_sumColumnsNative(JNIEnv *env, jclass cls, jint rows,
        jint cols, jfloatArray x, jint x_off, jfloatArray out, jint out_off) {
    (void) cls;
    pins p = {{x, out, NULL}, {0}, {JNI_ABORT, 0, 0}};
    int ok = ignis_has_avx2_fma() && pin_all(env, &p);
    if (ok) {
        sum_columns_avx2(rows, cols, (float *) p.data[0] + x_off, (float *) p.data[1] + out_off);
    }
    release_all(env, &p);
    return ok ? JNI_TRUE : JNI_FALSE;
}
