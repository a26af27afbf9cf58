package dev.ignis.spark;

import dev.ignis.backend.Backends;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a training or scoring task runs, by the run's device setting: "auto" (the default) takes
 * the GPU Spark's resource scheduling assigned to the task ({@code TaskContext.resources()},
 * "gpu") through CUDA where the cuda backend is available, else through OpenCL, else the CPU;
 * "cpu" always the CPU; "cuda" the assigned GPU, or {@code cuda:0} where Spark assigns none
 * (local mode), and fails when no cuda backend is available; "opencl" the OpenCL device, likewise. The intra-op threads are set to {@code spark.task.cpus}. The choice and
 * its reason are logged once per executor JVM — as a warning when Spark reserved a GPU that the
 * task leaves idle.
 */
final class ExecutorDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorDevice.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** A device, why it was chosen, and whether that is a fallback from a GPU Spark assigned. */
    record Choice(Device device, String reason, boolean fellBack) {
    }

    private ExecutorDevice() {
    }

    /** The device settings a run may give. */
    static final java.util.List<String> SETTINGS = java.util.List.of("auto", "cpu", "cuda", "opencl");

    /** @throws IllegalArgumentException naming the settings when {@code setting} is not one of them */
    static String checkSetting(String setting) {
        if (!SETTINGS.contains(setting)) {
            throw new IllegalArgumentException("device must be one of " + SETTINGS + ", got '" + setting + "'");
        }
        return setting;
    }

    /**
     * Chooses the device for the current task by {@code setting} (one of {@link #SETTINGS}) and sets
     * the intra-op threads; CPU outside a task.
     */
    static Device forCurrentTask(String setting) {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return Device.CPU;
        }
        IntraOpPool.setThreads(Math.max(1, task.cpus()));
        Choice choice = choose(setting, task.resourcesJMap(), available(DeviceType.CUDA), available(DeviceType.OPENCL));
        if (LOGGED.compareAndSet(false, true)) {
            String line = "ignis task device: {} ({}); intra-op threads {} (spark.task.cpus); collector {}";
            if (choice.fellBack()) {
                LOG.warn(line, choice.device(), choice.reason(), task.cpus(), collectors());
            } else {
                LOG.info(line, choice.device(), choice.reason(), task.cpus(), collectors());
            }
        }
        return choice.device();
    }

    /**
     * The JVM's garbage collectors, e.g. "PS Scavenge, PS MarkSweep" for the parallel collector that
     * training is tuned for (bin/jvm-options.sh, passed as spark.executor.extraJavaOptions): an
     * executor started without those options shows G1's here.
     */
    private static String collectors() {
        return String.join(", ", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
    }

    private static boolean available(DeviceType type) {
        return Backends.discovered().stream()
                .anyMatch(f -> f.backend().deviceType().equals(type) && f.availability().available());
    }

    /**
     * The device for {@code setting}: with "auto", for a task Spark gave a GPU, the first address as
     * {@code cuda:<address>} when a cuda backend is available, else the OpenCL GPU (opencl:0) when
     * the opencl backend is, else the CPU; without a GPU, the CPU.
     *
     * @throws IllegalArgumentException for an unknown setting, or "cuda"/"opencl" without its backend
     */
    static Choice choose(String setting, Map<String, ResourceInformation> resources, boolean cudaAvailable,
                         boolean openclAvailable) {
        ResourceInformation gpus = resources.get("gpu");
        boolean assigned = gpus != null && gpus.addresses().length > 0;
        switch (setting) {
            case "cpu":
                return new Choice(Device.CPU, "device setting 'cpu'" + (assigned ? " (the GPU Spark assigned is left"
                        + " idle)" : ""), assigned);
            case "cuda":
                if (!cudaAvailable) {
                    throw new IllegalArgumentException("device 'cuda' was asked for, but no cuda backend is available"
                            + " on this executor (bin/ignis info lists the backends and why); use device 'auto' to"
                            + " fall back to the CPU");
                }
                return assigned ? new Choice(new Device("cuda", Integer.parseInt(gpus.addresses()[0])), "GPU "
                        + gpus.addresses()[0] + " assigned by Spark", false)
                        : new Choice(new Device("cuda", 0), "device setting 'cuda', no GPU assigned by Spark: cuda:0",
                        false);
            case "opencl":
                if (!openclAvailable) {
                    throw new IllegalArgumentException("device 'opencl' was asked for, but no opencl backend is"
                            + " available on this executor (bin/ignis info lists the backends and why); use device"
                            + " 'auto' to fall back to the CPU");
                }
                return new Choice(new Device("opencl", 0), "device setting 'opencl'", false);
            case "auto":
                break;
            default:
                checkSetting(setting);
        }
        if (!assigned) {
            return new Choice(Device.CPU, "no GPU assigned to the task by Spark", false);
        }
        String address = gpus.addresses()[0];
        if (!cudaAvailable && openclAvailable) {
            return new Choice(new Device("opencl", 0), "GPU " + address + " assigned by Spark, no available cuda"
                    + " backend: the OpenCL GPU opencl:0", false);
        }
        if (!cudaAvailable) {
            return new Choice(Device.CPU, "GPU " + address + " assigned by Spark, but no available cuda or opencl"
                    + " backend: using the CPU", true);
        }
        return new Choice(new Device("cuda", Integer.parseInt(address)), "GPU " + address + " assigned by Spark",
                false);
    }
}
