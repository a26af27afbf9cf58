/*
 * JNI entry point of dev.ignis.backend.cpu.CriticalBlas.axpby: y ← fma(a, x, y·b) over float
 * arrays pinned in place. The optimizers' updates run it (SGD's momentum buffer and parameter
 * step), so that these loops over every parameter run compiled from the first step instead of
 * waiting for the JIT. Each element is rounded exactly as the Java kernel rounds it (y·b, then one
 * fused multiply-add, Math.fma's single rounding), so both give the same bits.
 */
#include <jni.h>
#include <math.h>

/* Built for AVX2 and FMA, chosen at run time: fmaf becomes one vectorised vfmadd per 8 floats. */
__attribute__((target("avx2,fma")))
static void axpby_fma(int n, float a, const float *x, float b, float *y) {
    for (int i = 0; i < n; i++) {
        y[i] = fmaf(a, x[i], y[i] * b);
    }
}

static int cpu_has_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/*
 * y[yOff + i] = fma(a, x[xOff + i], y[yOff + i]·b) for i < n; false, with nothing written, on a
 * CPU without FMA (where a software fmaf would be slower than the JIT's code) or when an array
 * could not be pinned. The Java side checks the bounds and that the regions do not overlap
 * unless they coincide.
 */
JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_CriticalBlas_axpby(JNIEnv *env, jclass cls, jint n, jfloat a,
        jfloatArray x, jint x_off, jfloat b, jfloatArray y, jint y_off) {
    (void) cls;
    static int fma = -1;
    if (fma < 0) {
        fma = cpu_has_fma();
    }
    if (!fma) {
        return JNI_FALSE;
    }
    jboolean done = JNI_FALSE;
    float *px = (*env)->GetPrimitiveArrayCritical(env, x, NULL);
    float *py = (*env)->GetPrimitiveArrayCritical(env, y, NULL);
    if (px != NULL && py != NULL) {
        axpby_fma(n, a, px + x_off, b, py + y_off);
        done = JNI_TRUE;
    }
    if (py != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, y, py, 0);
    }
    if (px != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, x, px, JNI_ABORT);
    }
    return done;
}
