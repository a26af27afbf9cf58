package dev.ignis.backend.cpu;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each fallback of the CPU backend (a native path missing, a kernel declining) once, with its reason. */
public final class Fallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(Fallbacks.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private Fallbacks() {
    }

    /** Logs "{@code what}: {@code reason}" the first time this pair occurs in the JVM. */
    public static void once(String what, String reason) {
        if (LOGGED.add(what + '\0' + reason)) {
            LOG.info("cpu {}: {}", what, reason);
        }
    }
}
