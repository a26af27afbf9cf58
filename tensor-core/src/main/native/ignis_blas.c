/*
 * JNI entry points of dev.ignis.backend.cpu.CriticalBlas: cblas_sgemm on Java float arrays in
 * place, pinned with GetPrimitiveArrayCritical, so no operand is copied (JavaCPP's array
 * overloads copy every array in and out). cblas_sgemm is looked up at run time in the OpenBLAS
 * that bytedeco's JavaCPP already loaded, so this library links against nothing but libdl.
 */
#include <dlfcn.h>
#include <jni.h>

#include "ignis_native.h"

sgemm_fn ignis_sgemm;

/* Finds cblas_sgemm through the already loaded library at `path` (or its dependencies). */
JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_CriticalBlas_bind(JNIEnv *env, jclass cls, jstring path) {
    (void) cls;
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    if (p == NULL) {
        return JNI_FALSE;
    }
    void *handle = dlopen(p, RTLD_NOW | RTLD_NOLOAD);
    (*env)->ReleaseStringUTFChars(env, path, p);
    if (handle == NULL) {
        return JNI_FALSE;
    }
    ignis_sgemm = (sgemm_fn) dlsym(handle, "cblas_sgemm");
    return ignis_sgemm != NULL ? JNI_TRUE : JNI_FALSE;
}

/*
 * C = op(A)·op(B), row-major, C overwritten (beta 0); false, with nothing written, when an array
 * could not be pinned. The Java side checks every bound; while the arrays are pinned no JNI call
 * other than the pins and releases is made, as the critical API requires.
 */
JNIEXPORT jboolean JNICALL Java_dev_ignis_backend_cpu_CriticalBlas_sgemm(JNIEnv *env, jclass cls,
        jboolean trans_a, jboolean trans_b, jint m, jint n, jint k,
        jfloatArray a, jint a_off, jint lda, jfloatArray b, jint b_off, jint ldb,
        jfloatArray c, jint c_off, jint ldc) {
    (void) cls;
    jboolean done = JNI_FALSE;
    float *pa = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    float *pb = (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    float *pc = (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (pa != NULL && pb != NULL && pc != NULL) {
        ignis_sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, 1.0f,
              pa + a_off, lda, pb + b_off, ldb, 0.0f, pc + c_off, ldc);
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
