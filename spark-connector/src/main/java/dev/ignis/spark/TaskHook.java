package dev.ignis.spark;

import java.io.Serializable;

/**
 * Called at the start of every training task with its round, partition and attempt number
 * (Spark's {@code TaskContext.attemptNumber()}). Tests use it to inject failures; throwing fails
 * that attempt and Spark retries the task.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {
    void beforeTask(int round, int partition, int attempt);
}
