package dev.ignis.backend.cpu;

import java.util.Locale;

/**
 * How a {@link CpuBackend} computes: which GEMM route, whether the native float32 loops and the
 * Winograd convolution run, and which OpenBLAS the JNI bridge binds. Read from system properties
 * once, when a backend is built ({@link #fromSystemProperties}); tests build backends with other
 * options in the same JVM ({@code new CpuBackend(CpuOptions.defaults().gemm(GemmRoute.JAVA))}).
 *
 * @param gemm        the float32 GEMM route ({@code -Dignis.blas=java}, {@code -Dignis.gemm=openblas},
 *                    {@code -Dignis.blas.critical=false})
 * @param nativeLoops whether ReLU, masks, bias rows, column sums and optimizer updates run the
 *                    JNI library's loops where they apply (off with {@code -Dignis.native=false} or
 *                    {@code -Dignis.blas.critical=false})
 * @param winograd    whether 3×3 unit-stride convolutions may take the Winograd path
 *                    ({@code -Dignis.conv.winograd=false} turns it off)
 * @param blasLibrary which OpenBLAS the bridge binds: {@code system}, {@code bundled} or a library
 *                    path ({@code -Dignis.blas.library}); the first backend built in a JVM binds
 *                    it, as a loaded library stays loaded
 * @param ownKernels  whether the CPU's own kernels run the kernel families (convolution, pooling,
 *                    norms, ...); off ({@code -Dignis.kernels=reference}), every family runs its
 *                    reference composed from primitives, as on a device with no kernels of its own
 */
public record CpuOptions(GemmRoute gemm, boolean nativeLoops, boolean winograd, String blasLibrary,
                         boolean ownKernels) {

    /** The routes a float32 GEMM can take; each falls back to the next one's where it cannot run. */
    public enum GemmRoute {
        /** Ignis' AVX2/FMA kernel for small products, else OpenBLAS reading the arrays in place. */
        OWN_KERNEL,
        /** OpenBLAS reading the arrays in place (pinned through the JNI bridge). */
        OPENBLAS_IN_PLACE,
        /** OpenBLAS on off-heap copies of the operands (JavaCPP alone). */
        OPENBLAS_COPIED,
        /** The blocked pure-Java kernel. */
        JAVA
    }

    /** Every native path on, the system's OpenBLAS preferred. */
    public static CpuOptions defaults() {
        return new CpuOptions(GemmRoute.OWN_KERNEL, true, true, "system", true);
    }

    /** The pure-Java reference: no JNI library, no OpenBLAS, no Winograd. */
    public static CpuOptions javaOnly() {
        return new CpuOptions(GemmRoute.JAVA, false, false, "system", true);
    }

    /** The defaults as changed by the {@code ignis.*} system properties (see the parameters). */
    public static CpuOptions fromSystemProperties() {
        boolean bridge = !isFalse("ignis.blas.critical");
        GemmRoute gemm = "java".equalsIgnoreCase(System.getProperty("ignis.blas", "")) ? GemmRoute.JAVA
                : !bridge ? GemmRoute.OPENBLAS_COPIED
                : "openblas".equalsIgnoreCase(System.getProperty("ignis.gemm", "")) ? GemmRoute.OPENBLAS_IN_PLACE
                : GemmRoute.OWN_KERNEL;
        return new CpuOptions(gemm, bridge && !isFalse("ignis.native"), bridge && !isFalse("ignis.conv.winograd"),
                System.getProperty("ignis.blas.library", "system"),
                !"reference".equalsIgnoreCase(System.getProperty("ignis.kernels", "")));
    }

    private static boolean isFalse(String property) {
        return "false".equals(System.getProperty(property, "").toLowerCase(Locale.ROOT));
    }

    public CpuOptions gemm(GemmRoute route) {
        return new CpuOptions(route, nativeLoops, winograd, blasLibrary, ownKernels);
    }

    public CpuOptions nativeLoops(boolean on) {
        return new CpuOptions(gemm, on, winograd, blasLibrary, ownKernels);
    }

    public CpuOptions winograd(boolean on) {
        return new CpuOptions(gemm, nativeLoops, on, blasLibrary, ownKernels);
    }

    public CpuOptions ownKernels(boolean on) {
        return new CpuOptions(gemm, nativeLoops, winograd, blasLibrary, on);
    }

    @Override
    public String toString() {
        return "gemm=" + gemm.name().toLowerCase(Locale.ROOT) + " native-loops=" + (nativeLoops ? "on" : "off")
                + " winograd=" + (winograd ? "on" : "off") + " kernels=" + (ownKernels ? "cpu" : "reference");
    }
}
