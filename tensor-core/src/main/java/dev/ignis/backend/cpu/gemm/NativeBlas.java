package dev.ignis.backend.cpu.gemm;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.cpu.CpuOptions;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Float32 GEMM through OpenBLAS (bytedeco's Maven artifact), used when its natives load and the
 * backend's GEMM route ({@link CpuOptions#gemm}) is not {@code JAVA}.
 *
 * <p>OpenBLAS runs single-threaded here; parallelism comes from the intra-op pool, each thread
 * calling {@code cblas_sgemm} on its own block of C rows (or columns). That keeps the thread
 * count under Ignis' control ({@code spark.task.cpus} on executors). Tensors live in Java arrays:
 * where {@link CriticalBlas} loaded, OpenBLAS reads and writes them in place, and the blocks it
 * cannot pin are copied and multiplied by the same bound library; otherwise operands are copied
 * into per-thread off-heap scratch buffers, in parallel, once per call (passing Java arrays to
 * JavaCPP directly would copy all three arrays in and out on every call).
 */
public final class NativeBlas {
    private static final boolean AVAILABLE;
    private static final String STATUS;
    /** The path of JavaCPP's JNI library for OpenBLAS, once loaded. */
    private static final String JNI_LIBRARY;

    static {
        boolean ok;
        String status;
        String jni = null;
        try {
            claimSonameForTheSystemOpenBlas();
            jni = Loader.load(openblas_nolapack.class);
            openblas_nolapack.blas_set_num_threads(1);
            ok = true;
            status = openblas_nolapack.OPENBLAS_VERSION.trim() + " (bytedeco), single-threaded per call";
        } catch (Throwable t) {
            ok = false;
            status = "OpenBLAS natives did not load: " + t;
        }
        AVAILABLE = ok;
        STATUS = status;
        JNI_LIBRARY = jni;
    }

    /**
     * Loads the system's OpenBLAS, where one is installed, before bytedeco's. Both carry the soname
     * {@code libopenblas.so.0}, and the dynamic loader answers a library that needs that name with
     * whichever was loaded first. The system's {@code libblas.so.3} (Debian's and Ubuntu's, built
     * from the same OpenBLAS source as the system's {@code libopenblas.so.0}) needs it, and Spark
     * ML's BLAS (dev.ludovic.netlib) loads {@code libblas.so.3} in the same JVM: bound to bytedeco's
     * 0.3.30, the system's 0.3.21 wrapper called into another version's internals and crashed the
     * executor (SIGSEGV in {@code dspr_} under Spark's LinearRegression). Loaded first, the
     * system's copy is the one such libraries get; bytedeco's, loaded by its path, stays Ignis'.
     */
    private static void claimSonameForTheSystemOpenBlas() {
        String system = CriticalBlas.systemOpenBlas();
        if (system == null) {
            return;
        }
        try {
            System.load(system);
        } catch (UnsatisfiedLinkError | SecurityException e) {
            // nothing claimed: libraries that need libopenblas.so.0 find bytedeco's, as before
        }
    }

    /**
     * Blocks of more multiply-adds than this are copied even where they could be read in place:
     * a pinned array holds off garbage collection in every thread until the call returns (G1 and
     * the parallel collector on Java 17), so pins are kept to about 15 ms; from this size on the
     * copies cost a few percent of the multiply (an 812³ block: ~0.6 ms of copies against ~13 ms).
     */
    public static final long MAX_PINNED_MULTIPLY_ADDS = 1L << 29;

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

    public static boolean available() {
        return AVAILABLE;
    }

    public static String status() {
        return STATUS;
    }

    public static String jniLibrary() {
        return JNI_LIBRARY;
    }

    /**
     * C = op(A)·op(B), row-major; C is overwritten. See {@link JavaGemm#sgemm} for the layout.
     * C is split into row (or column) blocks, one per pool thread; each thread multiplies its
     * block in place, or (without {@link CriticalBlas}, when C shares an array with A or B, or
     * for a block too large to pin) copies the operand regions its block reads into its own scratch, multiplies, and copies its
     * block of C back — one hand-off per call, no barrier between copying and multiplying.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, CriticalBlas.available(), true);
    }

    /**
     * As above; {@code inPlaceAllowed} false always copies, and {@code own} lets the bridge run
     * Ignis' own kernel for small products first (see {@link CriticalBlas#sgemm}).
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean inPlaceAllowed, boolean own) {
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int minFlopsPerChunk = 1 << 22;
        boolean byRows = m >= n;
        int extent = byRows ? m : n;
        int grain = Math.max(1, minFlopsPerChunk / Math.max(1, (byRows ? n : m) * k));
        boolean inPlace = inPlaceAllowed && c != a && c != b;
        IntraOpPool.parallelFor(extent, grain, (start, end) -> {
            int rows = byRows ? end - start : m;
            int cols = byRows ? n : end - start;
            int cStart = cOff + (byRows ? start * ldc : start);
            // the part of A and B this block reads, as (offset, length, leading dimension)
            int aStart = byRows ? aOff + (transA ? start : start * lda) : aOff;
            int aLen = transA ? (k - 1) * lda + rows : (rows - 1) * lda + k;
            int bStart = byRows ? bOff : bOff + (transB ? start * ldb : start);
            int bLen = transB ? (cols - 1) * ldb + k : (k - 1) * ldb + cols;
            // native code reads and writes unchecked (JavaCPP's copies too), so a region outside
            // its array, a caller's bug, is stopped here
            checkRegion("A", aStart, aLen, a.length);
            checkRegion("B", bStart, bLen, b.length);
            checkRegion("C", cStart, (long) (rows - 1) * ldc + cols, c.length);
            boolean shortPin = (long) rows * cols * k <= MAX_PINNED_MULTIPLY_ADDS;
            if (inPlace && shortPin && CriticalBlas.sgemm(transA, transB, rows, cols, k, a, aStart, lda, b, bStart,
                    ldb, c, cStart, ldc, own)) {
                return;
            }
            Scratch s = SCRATCH.get();
            s.a = s.grow(s.a, aLen);
            s.b = s.grow(s.b, bLen);
            s.c = s.grow(s.c, (long) rows * cols);
            s.a.position(0).put(a, aStart, aLen);
            s.b.position(0).put(b, bStart, bLen);
            // positions are reset explicitly: the copy-out below moves s.c's position
            if (CriticalBlas.available()) {
                // the library the in-place products run (the system's OpenBLAS where bound), so
                // that whether a block was copied never changes its result
                CriticalBlas.sgemmAt(transA, transB, rows, cols, k, s.a.address(), lda, s.b.address(), ldb,
                        s.c.address(), cols);
            } else {
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, rows, cols, k, 1f,
                        s.a.position(0), lda, s.b.position(0), ldb, 0f, s.c.position(0), cols);
            }
            if (cols == ldc) {
                s.c.position(0).get(c, cStart, rows * cols);
            } else {
                for (int i = 0; i < rows; i++) {
                    s.c.position((long) i * cols).get(c, cStart + i * ldc, cols);
                }
            }
        });
    }

    private static void checkRegion(String operand, int start, long length, int arrayLength) {
        if (start < 0 || start + length > arrayLength) {
            throw new IndexOutOfBoundsException("sgemm: " + operand + " spans [" + start + ", " + (start + length)
                    + ") of an array of " + arrayLength);
        }
    }
}
