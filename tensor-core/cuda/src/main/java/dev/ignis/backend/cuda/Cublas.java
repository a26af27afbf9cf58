package dev.ignis.backend.cuda;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cuBLAS, found at run time: whichever {@code libcublas.so.13} or {@code libcublas.so.12} the
 * system has, called through JNA. The entry points Ignis uses keep their names and signatures
 * across CUDA 12 and 13, so one binding serves both (JCublas links CUDA 12's versioned symbols
 * and fails where only CUDA 13 is installed). cuBLAS runs in the device's primary context, which
 * {@link CudaDriver} makes current, and on the legacy default stream, the one Ignis' own kernels
 * use, so its GEMMs are ordered with them without synchronising.
 *
 * <p>Where no cuBLAS library loads, {@link #get()} is empty and GEMM runs Ignis' own tiled kernel
 * (logged once as a warning with the reason).
 */
final class Cublas {
    private static final Logger LOG = LoggerFactory.getLogger(Cublas.class);
    private static final int CUBLAS_OP_N = 0;
    private static final int CUBLAS_OP_T = 1;
    private static final int CUBLAS_DEFAULT_MATH = 0;
    private static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;
    private static final String[] SONAMES = {"libcublas.so.13", "libcublas.so.12"};

    private static volatile Optional<Cublas> instance;
    private static volatile String unavailable = "";

    private final String library;
    private final ThreadLocal<Handle> handles = ThreadLocal.withInitial(Handle::create);

    /** A thread's cuBLAS handle (cuBLAS wants one per thread) and the math mode last set on it. */
    private static final class Handle {
        final long pointer;
        boolean tf32;

        private Handle(long pointer) {
            this.pointer = pointer;
        }

        static Handle create() {
            long[] out = {0};
            check(Natives.cublasCreate_v2(out), "cublasCreate");
            return new Handle(out[0]);
        }
    }

    /** The functions of libcublas Ignis calls (JNA direct mapping; pointers as 64-bit integers). */
    private static final class Natives {
        static native int cublasCreate_v2(long[] handle);

        static native int cublasGetVersion_v2(long handle, int[] version);

        static native int cublasSetMathMode(long handle, int mode);

        static native int cublasSgemmStridedBatched(long handle, int transa, int transb, int m, int n, int k,
                                                    float[] alpha, long a, int lda, long strideA, long b, int ldb,
                                                    long strideB, float[] beta, long c, int ldc, long strideC,
                                                    int batchCount);

        static native int cublasDgemmStridedBatched(long handle, int transa, int transb, int m, int n, int k,
                                                    double[] alpha, long a, int lda, long strideA, long b, int ldb,
                                                    long strideB, double[] beta, long c, int ldc, long strideC,
                                                    int batchCount);
    }

    private Cublas(String library) {
        this.library = library;
    }

    /** cuBLAS, loaded on first use; empty where no library loads ({@link #unavailableReason()} says why). */
    static Optional<Cublas> get() {
        Optional<Cublas> c = instance;
        if (c == null) {
            synchronized (Cublas.class) {
                if (instance == null) {
                    instance = load();
                }
                c = instance;
            }
        }
        return c;
    }

    /** Why {@link #get()} is empty ("" when cuBLAS loaded or was not looked for yet). */
    static String unavailableReason() {
        return unavailable;
    }

    private static Optional<Cublas> load() {
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates()) {
            try {
                NativeLibrary lib = open(candidate);
                Native.register(Natives.class, lib);
                Cublas cublas = new Cublas(lib.getFile() != null ? lib.getFile().getPath() : candidate);
                LOG.info("cuBLAS: {}", cublas.describe());
                return Optional.of(cublas);
            } catch (UnsatisfiedLinkError e) {
                tried.add(candidate + " (" + firstLine(e.getMessage()) + ")");
            }
        }
        unavailable = "no cuBLAS library loaded; tried " + String.join(", ", tried)
                + " (set -Dignis.cublas=/path/to/libcublas.so.N)";
        LOG.warn("cuBLAS: {}; GEMM runs Ignis' own tiled kernel, several times slower", unavailable);
        return Optional.empty();
    }

    /**
     * Where to look, in order: {@code -Dignis.cublas}; each soname through the dynamic linker's
     * search (LD_LIBRARY_PATH, ld.so.cache); the usual toolkit folders ($CUDA_HOME, /usr/local/cuda*).
     */
    private static List<String> candidates() {
        List<String> out = new ArrayList<>();
        String explicit = System.getProperty("ignis.cublas", "");
        if (!explicit.isBlank()) {
            out.add(explicit);
            return out;
        }
        List<File> folders = new ArrayList<>();
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String home = System.getenv(env);
            if (home != null && !home.isBlank()) {
                folders.add(new File(home, "lib64"));
                folders.add(new File(home, "targets/x86_64-linux/lib"));
            }
        }
        File[] installed = new File("/usr/local").listFiles((dir, name) -> name.startsWith("cuda"));
        if (installed != null) {
            java.util.Arrays.sort(installed, (a, b) -> b.getName().compareTo(a.getName()));
            for (File home : installed) {
                folders.add(new File(home, "lib64"));
                folders.add(new File(home, "targets/x86_64-linux/lib"));
            }
        }
        for (String soname : SONAMES) {
            out.add(soname);
            for (File folder : folders) {
                File file = new File(folder, soname);
                if (file.exists() && !out.contains(file.getPath())) {
                    out.add(file.getPath());
                }
            }
        }
        return out;
    }

    /** Opens libcublas, after the libcublasLt beside it (its dependency, which the linker may not find by itself). */
    private static NativeLibrary open(String candidate) {
        File file = new File(candidate);
        if (file.isAbsolute()) {
            File lt = new File(file.getParentFile(), file.getName().replace("libcublas", "libcublasLt"));
            if (lt.exists()) {
                NativeLibrary.getInstance(lt.getPath());
            }
        }
        return NativeLibrary.getInstance(candidate);
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int end = m.indexOf('\n');
        return end < 0 ? m : m.substring(0, end);
    }

    /** The library file and cuBLAS' version, e.g. "libcublas.so.13 13.0.0" ("cuBLAS x.y.z (path)"). */
    String describe() {
        int[] version = {0};
        check(Natives.cublasGetVersion_v2(handle().pointer, version), "cublasGetVersion");
        int v = version[0];
        return "cuBLAS " + v / 10_000 + "." + v / 100 % 100 + "." + v % 100 + " (" + library + ")";
    }

    private Handle handle() {
        CudaDriver.device0().makeCurrent();   // cuBLAS works in the context current on the calling thread
        return handles.get();
    }

    /**
     * out[i] = a[i]·b[i] for each batch i of the row-major float32 or float64 matrices a [M, K],
     * b [K, N], out [M, N], laid out as {@link Operand}s say (out row by row). With {@code tf32},
     * float32 products may round their inputs to TF32 on tensor cores (as PyTorch's
     * {@code allow_tf32}).
     */
    void bmm(int batches, int m, int n, int k, Operand a, Operand b, Operand out, boolean tf32) {
        Handle h = handle();
        boolean f32 = a.dtypeBytes() == 4;
        if (f32 && h.tf32 != tf32) {
            check(Natives.cublasSetMathMode(h.pointer, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
                    "cublasSetMathMode");
            h.tf32 = tf32;
        }
        // Row-major out [M, N] is column-major outᵀ [N, M]: cuBLAS computes outᵀ = bᵀ·aᵀ.
        int status = f32
                ? Natives.cublasSgemmStridedBatched(h.pointer, b.op(), a.op(), n, m, k, new float[] {1f}, b.address(),
                        b.ld(), b.batchStride(), a.address(), a.ld(), a.batchStride(), new float[] {0f},
                        out.address(), out.ld(), out.batchStride(), batches)
                : Natives.cublasDgemmStridedBatched(h.pointer, b.op(), a.op(), n, m, k, new double[] {1d},
                        b.address(), b.ld(), b.batchStride(), a.address(), a.ld(), a.batchStride(),
                        new double[] {0d}, out.address(), out.ld(), out.batchStride(), batches);
        check(status, "cublas" + (f32 ? "S" : "D") + "gemmStridedBatched");
    }

    /**
     * One matrix operand as cuBLAS reads it: its first element's address, whether cuBLAS
     * transposes it, its leading dimension, and the element stride between batches.
     */
    record Operand(long address, int op, int ld, long batchStride, int dtypeBytes) {
        /**
         * The row-major matrix of {@code rows × cols} with element strides {@code rowStride},
         * {@code colStride}, seen column-major: stored row by row it is the transpose (no op, ld =
         * rowStride); stored column by column it is itself (op T, ld = colStride). Empty when
         * neither (or when {@code mustBeRowMajor} and it is stored column by column, as an output
         * must not be).
         */
        static Optional<Operand> of(long address, int rows, int cols, long rowStride, long colStride,
                                    long batchStride, int dtypeBytes, boolean mustBeRowMajor) {
            if ((cols == 1 || colStride == 1) && (rows == 1 || rowStride >= Math.max(1, cols))) {
                long ld = rows == 1 ? Math.max(1, cols) : rowStride;
                return fits(ld) ? Optional.of(new Operand(address, CUBLAS_OP_N, (int) ld, batchStride, dtypeBytes))
                        : Optional.empty();
            }
            if (!mustBeRowMajor && (rows == 1 || rowStride == 1) && (cols == 1 || colStride >= Math.max(1, rows))) {
                long ld = cols == 1 ? Math.max(1, rows) : colStride;
                return fits(ld) ? Optional.of(new Operand(address, CUBLAS_OP_T, (int) ld, batchStride, dtypeBytes))
                        : Optional.empty();
            }
            return Optional.empty();
        }

        private static boolean fits(long ld) {
            return ld <= Integer.MAX_VALUE;
        }
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed: " + statusName(status) + " (" + status + ")");
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cuBLAS status";
        };
    }
}
