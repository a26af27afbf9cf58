package dev.ignis.backend.cpu;

import dev.ignis.backend.IntraOpPool;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Float32 GEMM through OpenBLAS (bytedeco's Maven artifact), used when its natives load and the
 * system property {@code ignis.blas} is not {@code java}.
 *
 * <p>OpenBLAS runs single-threaded here; parallelism comes from the intra-op pool, each thread
 * calling {@code cblas_sgemm} on its own block of C rows (or columns). That keeps the thread
 * count under Ignis' control ({@code spark.task.cpus} on executors). Tensors live in Java arrays,
 * so operands are copied into per-thread off-heap scratch buffers, in parallel, once per call;
 * passing Java arrays to JavaCPP directly would copy all three arrays in and out on every call.
 */
final class NativeBlas {
    private static final boolean AVAILABLE;
    private static final String STATUS;

    static {
        boolean ok;
        String status;
        if ("java".equalsIgnoreCase(System.getProperty("ignis.blas", ""))) {
            ok = false;
            status = "disabled by ignis.blas=java";
        } else {
            try {
                Loader.load(openblas_nolapack.class);
                openblas_nolapack.blas_set_num_threads(1);
                ok = true;
                status = openblas_nolapack.OPENBLAS_VERSION.trim() + " (bytedeco), single-threaded per call";
            } catch (Throwable t) {
                ok = false;
                status = "OpenBLAS natives did not load: " + t;
            }
        }
        AVAILABLE = ok;
        STATUS = status;
    }

    /** Per calling thread: off-heap copies of A, B and C, grown as needed. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        FloatPointer a = new FloatPointer(0L);
        FloatPointer b = new FloatPointer(0L);
        FloatPointer c = new FloatPointer(0L);

        FloatPointer grow(FloatPointer p, long size) {
            if (p.capacity() >= size) {
                return p;
            }
            p.close();
            return new FloatPointer(Math.max(size, 1));
        }
    }

    private NativeBlas() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    static String status() {
        return STATUS;
    }

    /** C = op(A)·op(B), row-major; C is overwritten. See {@link JavaGemm#sgemm} for the layout. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        int aLen = transA ? (k - 1) * lda + m : (m - 1) * lda + k;
        int bLen = transB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
        Scratch s = SCRATCH.get();
        s.a = s.grow(s.a, aLen);
        s.b = s.grow(s.b, bLen);
        s.c = s.grow(s.c, (long) m * n);
        FloatPointer pa = s.a;
        FloatPointer pb = s.b;
        FloatPointer pc = s.c;
        copyIn(a, aOff, pa, aLen);
        copyIn(b, bOff, pb, bLen);

        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int minFlopsPerChunk = 1 << 21;
        if (m >= n) {
            int grain = Math.max(1, minFlopsPerChunk / Math.max(1, n * k));
            IntraOpPool.parallelFor(m, grain, (i0, i1) -> openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasRowMajor, ta, tb, i1 - i0, n, k, 1f,
                    view(pa, transA ? i0 : (long) i0 * lda), lda, pb, ldb, 0f,
                    view(pc, (long) i0 * n), n));
        } else {
            int grain = Math.max(1, minFlopsPerChunk / Math.max(1, m * k));
            IntraOpPool.parallelFor(n, grain, (j0, j1) -> openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasRowMajor, ta, tb, m, j1 - j0, k, 1f,
                    pa, lda, view(pb, transB ? (long) j0 * ldb : j0), ldb, 0f,
                    view(pc, j0), n));
        }
        if (ldc == n) {
            IntraOpPool.parallelFor(m * n, 1 << 16, (p0, p1) -> view(pc, p0).get(c, cOff + p0, p1 - p0));
        } else {
            IntraOpPool.parallelFor(m, 64, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    view(pc, (long) i * n).get(c, cOff + i * ldc, n);
                }
            });
        }
    }

    private static void copyIn(float[] src, int off, FloatPointer dst, int len) {
        IntraOpPool.parallelFor(len, 1 << 16, (p0, p1) -> view(dst, p0).put(src, off + p0, p1 - p0));
    }

    /** A pointer to element {@code pos} of {@code base}, independent of base's own position. */
    private static FloatPointer view(FloatPointer base, long pos) {
        return new FloatPointer(base).position(pos);
    }
}
