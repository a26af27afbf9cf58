package dev.ignis.spark;

import dev.ignis.backend.Backends;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.tensor.Device;
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
 * per executor JVM.
 */
final class ExecutorDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorDevice.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private ExecutorDevice() {
    }

    /** Chooses the device for the current task and sets the intra-op threads; CPU outside a task. */
    static Device forCurrentTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return Device.CPU;
        }
        IntraOpPool.setThreads(Math.max(1, task.cpus()));
        Device device = Device.CPU;
        String reason = "no GPU assigned to the task by Spark";
        Map<String, ResourceInformation> resources = task.resourcesJMap();
        ResourceInformation gpus = resources.get("gpu");
        if (gpus != null && gpus.addresses().length > 0) {
            Device gpu = new Device("cuda", Integer.parseInt(gpus.addresses()[0]));
            boolean available = Backends.discovered().stream().anyMatch(f -> f.backend().deviceType().equals("cuda")
                    && f.availability().available());
            if (available) {
                device = gpu;
                reason = "GPU " + gpus.addresses()[0] + " assigned by Spark";
            } else {
                reason = "GPU " + gpus.addresses()[0] + " assigned by Spark, but no available cuda backend: using the CPU";
            }
        }
        if (LOGGED.compareAndSet(false, true)) {
            boolean fellBack = gpus != null && gpus.addresses().length > 0 && device == Device.CPU;
            String line = "ignis task device: {} ({}); intra-op threads {} (spark.task.cpus)";
            if (fellBack) {
                // Spark reserved a GPU this task leaves idle: loud, as STYLE.md asks of accelerator fallbacks
                LOG.warn(line, device, reason, task.cpus());
            } else {
                LOG.info(line, device, reason, task.cpus());
            }
        }
        return device;
    }
}
