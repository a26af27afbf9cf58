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
 * Where a training task runs: the GPU Spark's resource scheduling assigned to the task
 * ({@code TaskContext.resources()}, "gpu") when a backend for it is available, else the CPU; and
 * the intra-op threads, set to {@code spark.task.cpus}. The choice and its reason are logged once
 * per executor JVM — as a warning when Spark reserved a GPU that the task leaves idle.
 */
final class ExecutorDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorDevice.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** A device, why it was chosen, and whether that is a fallback from a GPU Spark assigned. */
    record Choice(Device device, String reason, boolean fellBack) {
    }

    private ExecutorDevice() {
    }

    /** Chooses the device for the current task and sets the intra-op threads; CPU outside a task. */
    static Device forCurrentTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return Device.CPU;
        }
        IntraOpPool.setThreads(Math.max(1, task.cpus()));
        Choice choice = choose(task.resourcesJMap(), Backends.discovered().stream()
                .anyMatch(f -> f.backend().deviceType().equals(DeviceType.CUDA) && f.availability().available()));
        if (LOGGED.compareAndSet(false, true)) {
            String line = "ignis task device: {} ({}); intra-op threads {} (spark.task.cpus)";
            if (choice.fellBack()) {
                LOG.warn(line, choice.device(), choice.reason(), task.cpus());
            } else {
                LOG.info(line, choice.device(), choice.reason(), task.cpus());
            }
        }
        return choice.device();
    }

    /**
     * The first GPU address Spark gave the task, as {@code cuda:<address>}, when a cuda backend is
     * available; otherwise the CPU.
     */
    static Choice choose(Map<String, ResourceInformation> resources, boolean cudaAvailable) {
        ResourceInformation gpus = resources.get("gpu");
        if (gpus == null || gpus.addresses().length == 0) {
            return new Choice(Device.CPU, "no GPU assigned to the task by Spark", false);
        }
        String address = gpus.addresses()[0];
        if (!cudaAvailable) {
            return new Choice(Device.CPU, "GPU " + address + " assigned by Spark, but no available cuda backend:"
                    + " using the CPU", true);
        }
        return new Choice(new Device("cuda", Integer.parseInt(address)), "GPU " + address + " assigned by Spark",
                false);
    }
}
