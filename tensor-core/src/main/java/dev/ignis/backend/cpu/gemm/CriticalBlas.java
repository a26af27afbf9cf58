package dev.ignis.backend.cpu.gemm;

import dev.ignis.backend.cpu.CpuOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * OpenBLAS' {@code cblas_sgemm} called on the tensors' Java arrays in place: a small JNI library
 * of Ignis' own ({@code src/main/native/ignis_blas.c}) pins the three arrays with
 * {@code GetPrimitiveArrayCritical} for the duration of the call, so no operand is copied.
 * Through JavaCPP every call copies A and B into off-heap memory and C back out (about a tenth of
 * the time of the Fashion MLP's GEMMs, measured with {@code perf} as memmove).
 *
 * <p>The library is compiled by the Maven build where a C compiler and the JDK's JNI headers are
 * present, and is shipped inside the jar for the build machine's OS and architecture; it links
 * against nothing but libdl and looks {@code cblas_sgemm} up at run time: in the system's OpenBLAS
 * where one loads, else in the OpenBLAS that JavaCPP has already loaded
 * ({@code -Dignis.blas.library=system|bundled|<library>}, see {@link #bindOpenBlas}). Where the
 * bridge is missing or does not load, {@link #available()} is false and {@link NativeBlas} copies
 * as before; the GEMM route {@link CpuOptions.GemmRoute#OPENBLAS_COPIED}
 * ({@code -Dignis.blas.critical=false}) copies where it has loaded.
 *
 * <p>Small products (at most 2^24 multiply-adds, inner dimension at most 1024: every GEMM of the
 * Fashion MLP) run Ignis' own AVX2/FMA kernel in the same library ({@code ignis_gemm.c}) before
 * OpenBLAS: it reads both operands in place where OpenBLAS packs them, and stores C from its
 * registers where OpenBLAS first clears C in a pass of its own. In the MLP's third epoch the
 * GEMMs' spans took about 15% less time (two alternating runs of {@code --profile}).
 * The route {@link CpuOptions.GemmRoute#OPENBLAS_IN_PLACE} ({@code -Dignis.gemm=openblas}) leaves
 * every product to OpenBLAS; a CPU without AVX2 and FMA does.
 *
 * <p>While an array is pinned the garbage collector may not move it: on Java 17 both G1 and the
 * parallel collector hold off a collection until every pinned GEMM returns. The Fashion models'
 * GEMMs pin for well under a millisecond; {@link NativeBlas} copies the operands of blocks too
 * large to pin for long.
 */
public final class CriticalBlas {
    /** Where the build puts the library (tensor-core's pom), one folder per OS and architecture. */
    public static final String LIBRARY_FOLDER = "/dev/ignis/backend/cpu/native/";
    private static final String LIBRARY = "libignisblas.so";
    /** The system OpenBLAS tried first: its soname, looked for in the system's library folders. */
    private static final String SYSTEM_OPENBLAS = "libopenblas.so.0";

    /** What loading the bridge gave: whether it is bound, and to what (or why not). */
    private record State(boolean available, String status) {
    }

    /** Null until the bridge is loaded: by the first CPU backend built, or the first use. */
    private static volatile State state;

    private CriticalBlas() {
    }

    /**
     * Loads the library from the jar and binds it to the OpenBLAS {@code blasLibrary} names (see
     * {@link #bindOpenBlas}), once per JVM: a loaded library stays loaded, so later calls keep the
     * first binding.
     */
    public static void load(String blasLibrary) {
        if (state != null) {
            return;
        }
        synchronized (CriticalBlas.class) {
            if (state == null) {
                state = bridge(blasLibrary);
            }
        }
    }

    private static State bridge(String blasLibrary) {
        if (!NativeBlas.available()) {
            return new State(false, "OpenBLAS did not load");
        }
        String resource = LIBRARY_FOLDER + platform() + "/" + LIBRARY;
        try (InputStream in = CriticalBlas.class.getResourceAsStream(resource)) {
            if (in == null) {
                return new State(false, "not built for " + platform() + " (no C compiler at build time?)");
            }
            Path file = Files.createTempFile("ignis-blas-", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                // a loaded library stays mapped; nothing is left behind in the temp folder
                Files.deleteIfExists(file);
            }
            String bound = bindOpenBlas(blasLibrary);
            return bound == null ? new State(false, "cblas_sgemm not found in " + NativeBlas.jniLibrary())
                    : new State(true, bound);
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return new State(false, "did not load: " + e);
        }
    }

    /** The bridge's state, loading it (with the system properties' library) if no backend has yet. */
    private static State state() {
        State s = state;   // the fast path: asked on every GEMM call
        if (s == null) {
            load(CpuOptions.fromSystemProperties().blasLibrary());
            s = state;
        }
        return s;
    }

    /**
     * Binds the bridge to an OpenBLAS and says which, or returns null when none binds.
     * {@code choice} is "system" (the default: the system's {@code libopenblas.so.0}, as Debian's
     * libopenblas0 installs it, where it loads, else bytedeco's), "bundled" (bytedeco's), or a
     * library name or path to load. Both run the same kernels (their products agree bit for bit),
     * but Debian's OpenBLAS 0.3.21 ran the Fashion MLP's GEMMs 8-25% faster than bytedeco's 0.3.30
     * build here, and it is the one PyTorch uses on such a machine.
     */
    private static String bindOpenBlas(String choice) {
        boolean system = choice.equals("system");
        String named = system ? systemOpenBlas() : choice.equals("bundled") ? null : choice;
        if (named != null) {
            String config = bind(named, true);
            if (config != null) {
                return describe(config) + " from " + named;
            }
        }
        String config = bind(NativeBlas.jniLibrary(), false);
        if (config == null) {
            return null;
        }
        String fallback = named == null || system ? "" : "; " + named + " did not load";
        return describe(config) + " (bytedeco)" + fallback;
    }

    /**
     * The path of the system's OpenBLAS, or null. Found by path, not by name: bytedeco's library
     * carries the same soname, and once it is loaded the dynamic loader answers that name with it.
     */
    static String systemOpenBlas() {
        String platform = platform();
        String multiarch = platform.equals("linux-x86_64") ? "x86_64-linux-gnu"
                : platform.equals("linux-aarch64") ? "aarch64-linux-gnu" : "";
        for (String dir : new String[] {"/usr/lib/" + multiarch, "/usr/lib64", "/usr/lib", "/usr/local/lib"}) {
            Path candidate = Path.of(dir, SYSTEM_OPENBLAS);
            if (Files.isReadable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** "OpenBLAS 0.3.21" out of openblas_get_config()'s "OpenBLAS 0.3.21 DYNAMIC_ARCH ...". */
    private static String describe(String config) {
        String[] words = config.trim().split("\\s+");
        return words.length >= 2 ? words[0] + " " + words[1] : "OpenBLAS";
    }

    public static boolean available() {
        return state().available();
    }

    /** The OpenBLAS bound, e.g. "OpenBLAS 0.3.21 from /usr/lib/...", or why the bridge is off. */
    public static String status() {
        return state().status();
    }

    /** The resource folder of the library built for this JVM's OS and architecture, e.g. linux-x86_64. */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64")) {
            arch = "x86_64";
        }
        return os + "-" + arch;
    }

    /**
     * C = op(A)·op(B) in row-major layout, C [m, n] at {@code cOff} with row stride {@code ldc}
     * overwritten (see {@link JavaGemm#sgemm} for the layout of A and B). C must be a different
     * array from A and B: OpenBLAS reads its operands in place. Bounds are the caller's to check.
     * With {@code own}, on a CPU with AVX2 and FMA, products of at most 2^24 multiply-adds and an
     * inner dimension of at most 1024 run Ignis' own kernel ({@code src/main/native/ignis_gemm.c}:
     * each element one chain of fused multiply-adds in increasing k); the rest run OpenBLAS.
     *
     * @return false, with nothing written, when the JVM could not pin an array
     */
    public static native boolean sgemm(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean own);

    /**
     * C = op(A)·op(B), row-major, by the bound OpenBLAS on off-heap memory at the given addresses
     * (floats; A, B, C as in {@link #sgemm}, at offset 0), C overwritten: the copying path's
     * products run the same library as the in-place ones. Only while {@link #available()}.
     */
    public static native void sgemmAt(boolean transA, boolean transB, int m, int n, int k, long a, int lda, long b,
                                      int ldb, long c, int ldc);

    /** Whether this CPU runs Ignis' own kernel (AVX2 and FMA); elsewhere {@link #sgemm}'s {@code own} is ignored. */
    public static native boolean ownGemmSupported();

    /**
     * Binds cblas_sgemm in {@code library}: already loaded (JavaCPP's JNI library, with
     * {@code load} false) or loaded now. Returns the OpenBLAS's configuration string ("" where it
     * has none), or null when nothing was bound.
     */
    private static native String bind(String library, boolean load);
}
