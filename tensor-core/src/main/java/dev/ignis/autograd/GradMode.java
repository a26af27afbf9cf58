package dev.ignis.autograd;

/**
 * Whether ops record the autograd graph on this thread. Recording is on by default;
 * {@link #noGrad()} turns it off for a try-with-resources block:
 *
 * <pre>{@code
 * try (var ignored = GradMode.noGrad()) {
 *     weight.sub_(grad.mul(lr));   // not recorded
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);

    /** Restores the previous mode when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;

        private Scope(boolean enabled) {
            previous = ENABLED.get();
            ENABLED.set(enabled);
        }

        @Override
        public void close() {
            ENABLED.set(previous);
        }
    }

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Disables recording until the returned scope is closed. */
    public static Scope noGrad() {
        return new Scope(false);
    }

    /** Enables recording until the returned scope is closed (e.g. inside a no-grad block). */
    public static Scope enableGrad() {
        return new Scope(true);
    }
}
