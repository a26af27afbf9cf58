package dev.ignis.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Progress inside a long round: every replica adds 1 to an accumulator per step, the executors'
 * heartbeats ({@code spark.executor.heartbeatInterval}, 10 s by default) carry the running tasks'
 * counts to the driver, and while a round runs longer than {@code every} seconds a line
 * {@code round r/R: s of S steps (p%) after t s} is printed every {@code every} seconds. Short
 * rounds print nothing (the round's own line follows soon).
 */
final class RoundProgress extends SparkListener implements AutoCloseable {
    private final JavaSparkContext jsc;
    private final LongAccumulator steps;
    private final long everyMillis;
    private final Map<Long, Long> runningTasks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> report;

    /** Counts steps in {@code jsc}'s jobs and reports every {@code everySeconds} seconds of a round. */
    RoundProgress(JavaSparkContext jsc, double everySeconds) {
        this.jsc = jsc;
        this.steps = jsc.sc().longAccumulator("ignis steps");
        this.everyMillis = Math.round(everySeconds * 1000);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ignis round progress");
            t.setDaemon(true);
            return t;
        });
        jsc.sc().addSparkListener(this);
    }

    /** The accumulator the round's tasks add their steps to. */
    LongAccumulator accumulator() {
        return steps;
    }

    /** A round starts: {@code total} steps expected across replicas. */
    void start(int round, int totalRounds, long total) {
        steps.reset();
        runningTasks.clear();
        long started = System.nanoTime();
        report = timer.scheduleAtFixedRate(() -> {
            long done = Math.min(total, done());
            System.out.printf("round %d/%d: %d of %d steps (%.0f%%) after %.0f s%n", round + 1, totalRounds, done,
                    total, 100.0 * done / Math.max(1, total), (System.nanoTime() - started) / 1e9);
        }, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** The round is over: no more lines for it. */
    void stop() {
        if (report != null) {
            report.cancel(false);
            report = null;
        }
    }

    /** Steps of finished tasks (merged into the accumulator) plus the running tasks' last reported counts. */
    long done() {
        long running = 0;
        for (long v : runningTasks.values()) {
            running += v;
        }
        return steps.value() + running;
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task
                : CollectionConverters.asJava(update.accumUpdates())) {
            for (AccumulableInfo info : CollectionConverters.asJava(task._4())) {
                if (info.id() == steps.id() && info.update().isDefined()) {
                    runningTasks.put((Long) task._1(), ((Number) info.update().get()).longValue());
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        runningTasks.remove(end.taskInfo().taskId());
    }

    @Override
    public void close() {
        stop();
        timer.shutdownNow();
        jsc.sc().removeSparkListener(this);
    }
}
