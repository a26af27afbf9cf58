package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.backend.cuda.Cuda;
import dev.ignis.backend.cpu.CpuOptions;
import dev.ignis.backend.cpu.gemm.CpuGemm;
import dev.ignis.spark.cli.CliErrors;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ignis bench gemm}: float32 matmul throughput, the counterpart of shared/bench/torch_gemm.py. */
@Command(name = "bench", description = "Micro-benchmarks.", subcommands = {BenchCommand.Gemm.class, ConvBenchCommand.class, TrainCommand.class, LoaderBenchCommand.class,
        SparkBenchCommand.class, TransformerBenchCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "gemm", description = "float32 N×N matmul through Tensor.matmul, on the CPU or a GPU; prints one line ending in gflops=G"
            + " (median of 5 timed rounds after a 1 s warm-up).")
    static final class Gemm implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--size", defaultValue = "1024", description = "matrix size N (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--threads", defaultValue = "2", description = "intra-op threads T (default ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda[:N], opencl, or auto: cuda, else an OpenCL GPU, else the cpu (default ${DEFAULT-VALUE})")
        String deviceName;

        @Option(names = "--tf32", description = "on cuda, let float32 products use TF32 tensor cores (off by default,"
                + " as PyTorch's allow_tf32)")
        boolean tf32;

        @Override
        public void run() {
            CliErrors.atLeast(spec, "--size", size, 1);
            CliErrors.atLeast(spec, "--threads", threads, 1);
            Device device = CliErrors.device(spec, deviceName);
            IntraOpPool.setThreads(threads);
            if (device.type() == DeviceType.CUDA) {
                Cuda.setAllowTf32(tf32);
            }
            Generator gen = new Generator(0);
            Tensor a = Tensor.randn(gen, size, size).to(device);
            Tensor b = Tensor.randn(gen, size, size).to(device);
            long flops = 2L * size * size * size;
            // Warm up for at least a second: JIT compilation and the heap growing to its working size
            // (each product allocates its result) happen here, not in the timed runs.
            long warmupEnd = System.nanoTime() + 1_000_000_000L;
            for (int i = 0; i < 3 || System.nanoTime() < warmupEnd; i++) {
                finish(a.matmul(b));
            }
            // rounds of 40 GFLOP on the CPU, 4 TFLOP on a GPU: long enough to time past a launch's jitter
            int reps = (int) Math.max(3, (device.isCpu() ? 4e10 : 4e12) / flops);
            double[] rounds = new double[5];
            for (int r = 0; r < rounds.length; r++) {
                long start = System.nanoTime();
                Tensor c = null;
                for (int i = 0; i < reps; i++) {
                    c = a.matmul(b);
                }
                finish(c);
                rounds[r] = flops * reps / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
            java.util.Arrays.sort(rounds);
            String impl = device.type() == DeviceType.CUDA ? Cuda.blas() + (tf32 ? ", TF32" : ", fp32")
                    : CpuGemm.implementation(CpuOptions.fromSystemProperties().gemm());
            System.out.printf("ignis gemm size=%d threads=%d device=%s impl=\"%s\" rounds=%d median_of gflops=%.1f%n",
                    size, threads, device, impl, rounds.length, rounds[rounds.length / 2]);
        }

        /** Waits for {@code c}'s product: reading an element waits for the device's queued work (a GPU's stream). */
        private static void finish(Tensor c) {
            c.narrow(0, 0, 1).narrow(1, 0, 1).item();
        }
    }
}
