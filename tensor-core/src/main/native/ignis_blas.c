/*
 * JNI entry points of dev.ignis.backend.cpu.CriticalBlas: cblas_sgemm on Java float arrays in
 * place, pinned with GetPrimitiveArrayCritical, so no operand is copied (JavaCPP's array
 * overloads copy every array in and out). cblas_sgemm is looked up at run time, in a system
 * OpenBLAS or in the one bytedeco's JavaCPP already loaded, so this library links against nothing
 * but libdl.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <jni.h>

#include "ignis_native.h"

sgemm_fn ignis_sgemm;

int ignis_has_avx2_fma(void) {
    static int supported = -1;
    if (supported < 0) {
        __builtin_cpu_init();
        supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return supported;
}

typedef void (*set_threads_fn)(int threads);
typedef char *(*config_fn)(void);

/*
 * Binds cblas_sgemm in `path`: with `load` false a library already loaded (JavaCPP's JNI library,
 * whose dependencies include its OpenBLAS), with `load` true one loaded here (a system OpenBLAS),
 * kept local (RTLD_LOCAL) so that neither library's symbols replace the other's. An OpenBLAS is
 * set to one thread: parallelism comes from the intra-op pool. Returns its openblas_get_config()
 * ("OpenBLAS 0.3.21 ..."), "" where it has none, or NULL (nothing bound) when the library does
 * not load or has no cblas_sgemm.
 */
JNIEXPORT jstring JNICALL Java_dev_ignis_backend_cpu_gemm_CriticalBlas_bind(JNIEnv *env, jclass cls, jstring path,
        jboolean load) {
    (void) cls;
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    if (p == NULL) {
        return NULL;
    }
    void *handle = dlopen(p, RTLD_NOW | RTLD_LOCAL | (load ? 0 : RTLD_NOLOAD));
    (*env)->ReleaseStringUTFChars(env, path, p);
    if (handle == NULL) {
        return NULL;
    }
    sgemm_fn sgemm = (sgemm_fn) dlsym(handle, "cblas_sgemm");
    if (sgemm == NULL) {
        if (load) {
            dlclose(handle);
        }
        return NULL;
    }
    set_threads_fn set_threads = (set_threads_fn) dlsym(handle, "openblas_set_num_threads");
    if (set_threads != NULL) {
        set_threads(1);
    }
    ignis_sgemm = sgemm;
    config_fn config = (config_fn) dlsym(handle, "openblas_get_config");
    return (*env)->NewStringUTF(env, config != NULL ? config() : "");
}

/* Whether this CPU runs ignis_gemm (AVX2 and FMA); where it does not, CriticalBlas.sgemm's `own` is ignored. */
JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_gemm_CriticalBlas_ownGemmSupported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ignis_has_avx2_fma() ? JNI_TRUE : JNI_FALSE;
}

/*
 * C = op(A)·op(B), row-major, C overwritten (beta 0), by ignis_gemm first when `own` is set and the
 * CPU has it, else by OpenBLAS; false, with nothing written, when an array could not be pinned.
 * The Java side checks every bound; while the arrays are pinned no JNI call other than the pins
 * and releases is made, as the critical API requires.
 */
JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_gemm_CriticalBlas_sgemm(JNIEnv *env, jclass cls,
        jboolean trans_a, jboolean trans_b, jint m, jint n, jint k,
        jfloatArray a, jint a_off, jint lda, jfloatArray b, jint b_off, jint ldb,
        jfloatArray c, jint c_off, jint ldc, jboolean own) {
    (void) cls;
    jboolean done = JNI_FALSE;
    float *pa = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    float *pb = (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    float *pc = (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (pa != NULL && pb != NULL && pc != NULL) {
        if (!own || !ignis_has_avx2_fma()
                || !ignis_gemm(trans_a, trans_b, m, n, k, pa + a_off, lda, pb + b_off, ldb, pc + c_off, ldc)) {
            ignis_sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, 1.0f,
                        pa + a_off, lda, pb + b_off, ldb, 0.0f, pc + c_off, ldc);
        }
        done = JNI_TRUE;
    }
    if (pc != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, c, pc, 0);
    }
    if (pb != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, b, pb, JNI_ABORT);
    }
    if (pa != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
    }
    return done;
}

/*
 * C = op(A)·op(B), row-major, C overwritten, by the bound OpenBLAS on off-heap memory (the copying
 * path's scratch buffers), so that copied and in-place products run the same library.
 */
JNIEXPORT void JNICALL Java_dev_ignis_backend_cpu_gemm_CriticalBlas_sgemmAt(JNIEnv *env, jclass cls,
        jboolean trans_a, jboolean trans_b, jint m, jint n, jint k,
        jlong a, jint lda, jlong b, jint ldb, jlong c, jint ldc) {
    (void) env;
    (void) cls;
    ignis_sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, 1.0f,
                (const float *) (intptr_t) a, lda, (const float *) (intptr_t) b, ldb, 0.0f, (float *) (intptr_t) c,
                ldc);
}
