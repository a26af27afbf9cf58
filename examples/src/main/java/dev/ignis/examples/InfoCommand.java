package dev.ignis.examples;

import dev.ignis.backend.Backends;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.KernelFamily;
import dev.ignis.backend.KernelTable;
import dev.ignis.backend.cuda.Cuda;
import dev.ignis.backend.kernels.BuiltinKernels;
import dev.ignis.ops.OpDefinition;
import dev.ignis.ops.OpRegistry;
import dev.ignis.tensor.DeviceType;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ignis info}: the backends found, which one is used and why, and which devices have which kernels. */
@Command(name = "info", description = "List the backends found, the one in use and why.")
final class InfoCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Ignis 0.1.0-SNAPSHOT on Java " + System.getProperty("java.version") + " ("
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        System.out.println("intra-op threads: " + IntraOpPool.threads()
                + " (set with -Dignis.threads=N or IGNIS_NUM_THREADS)");
        System.out.println("backends found:");
        for (Backends.Found f : Backends.discovered()) {
            System.out.printf("  %-8s rank %-3d %-11s %s%n", f.backend().name(), f.backend().rank(),
                    f.availability().available() ? "available" : "unavailable", f.availability().reason());
        }
        for (Backends.Found f : Backends.discovered()) {
            if (f.backend().deviceType() == DeviceType.CUDA && f.availability().available()) {
                System.out.println("cuda GEMM: " + Cuda.blas() + "; TF32 " + (Cuda.allowTf32() ? "allowed" : "off")
                        + " (-Dignis.cuda.allowTf32=true)");
            }
        }
        Backends.Choice choice = Backends.choice();
        System.out.println("using: " + choice.backend().name() + " (" + choice.reason() + ")");
        System.out.println("kernel families (devices with a kernel of their own; others run the reference):");
        for (KernelFamily<?> family : BuiltinKernels.families()) {
            List<String> devices = KernelTable.global().devicesOf(family);
            System.out.printf("  %-38s %s%n", family.name(),
                    devices.isEmpty() ? "reference only" : String.join(",", devices));
        }
        System.out.println("registered ops (dev.ignis.ops.OpLibrary services):");
        for (OpDefinition op : OpRegistry.global().all()) {
            System.out.printf("  %-38s kernels: %-12s %s%n", op.name(), String.join(",", op.deviceTypes()),
                    op.backward() != null ? "differentiable" : "no autograd");
        }
    }
}
