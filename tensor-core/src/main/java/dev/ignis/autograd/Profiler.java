package dev.ignis.autograd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of a training loop goes, by name: PyTorch's
 * {@code torch.autograd.profiler.profile()} with {@code key_averages().table()}, for the thread
 * that opens it. While it is open, the autograd engine times every backward node it runs (under
 * the node's name, e.g. {@code ConvolutionBackward0}), {@code dev.ignis.nn.Module} times the
 * forward of every module that has no children (e.g. {@code Conv2d forward}), and callers add
 * their own spans with {@link #record}. Nothing is timed on other threads, or when no profiler is
 * open (one thread-local read per node or module call).
 *
 * <pre>{@code
 * try (Profiler prof = Profiler.start()) {
 *     ... training steps ...
 *     System.out.println(prof.table());
 * }
 * }</pre>
 */
public final class Profiler implements AutoCloseable {
    private static final ThreadLocal<Profiler> ACTIVE = new ThreadLocal<>();

    /** Per name: {calls, total nanoseconds}, in order of first appearance. */
    private final Map<String, long[]> spans = new LinkedHashMap<>();
    private final long opened = System.nanoTime();
    private long closed = -1;

    private Profiler() {
    }

    /** Opens a profiler on this thread; it records until {@link #close}. */
    public static Profiler start() {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("a profiler is already open on thread " + Thread.currentThread().getName());
        }
        Profiler p = new Profiler();
        ACTIVE.set(p);
        return p;
    }

    /** The profiler open on this thread, or null. */
    public static Profiler active() {
        return ACTIVE.get();
    }

    /** Adds one call of {@code nanos} to {@code name}. */
    public void record(String name, long nanos) {
        long[] s = spans.computeIfAbsent(name, k -> new long[2]);
        s[0]++;
        s[1] += nanos;
    }

    /** Stops recording; the totals stay readable. */
    @Override
    public void close() {
        if (closed < 0) {
            closed = System.nanoTime();
        }
        if (ACTIVE.get() == this) {
            ACTIVE.remove();
        }
    }

    /** Calls recorded under {@code name} (0 if none). */
    public long calls(String name) {
        long[] s = spans.get(name);
        return s == null ? 0 : s[0];
    }

    /** Total nanoseconds recorded under {@code name} (0 if none). */
    public long nanos(String name) {
        long[] s = spans.get(name);
        return s == null ? 0 : s[1];
    }

    /**
     * One row per name, longest total first: calls, total and mean milliseconds, and the share of
     * the time the profiler was open; a last row holds the open time no span covered.
     */
    public String table() {
        long wall = (closed < 0 ? System.nanoTime() : closed) - opened;
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(spans.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        int width = "(not in any span)".length();
        for (Map.Entry<String, long[]> r : rows) {
            width = Math.max(width, r.getKey().length());
        }
        String format = "%-" + width + "s %9s %11s %10s %7s%n";
        StringBuilder out = new StringBuilder(String.format(format, "name", "calls", "total ms", "mean ms", "share"));
        long covered = 0;
        for (Map.Entry<String, long[]> r : rows) {
            long[] s = r.getValue();
            covered += s[1];
            out.append(String.format(format, r.getKey(), s[0], ms(s[1]), ms(s[1] / (double) s[0]), share(s[1], wall)));
        }
        long rest = Math.max(0, wall - covered);
        out.append(String.format(format, "(not in any span)", "", ms(rest), "", share(rest, wall)));
        return out.toString();
    }

    private static String ms(double nanos) {
        return String.format("%.3f", nanos / 1e6);
    }

    private static String share(long nanos, long wall) {
        return String.format("%.1f%%", wall == 0 ? 0 : 100.0 * nanos / wall);
    }
}
