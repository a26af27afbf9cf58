package dev.ignis.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory a training run writes into (checkpoints, metrics), claimed before the first round:
 * it is created and a probe file written and deleted, so an unwritable directory fails in seconds
 * instead of after rounds of training; and a lock file ({@value #LOCK}, holding the host, process
 * id and start time of its run) is created exclusively, so a second run pointed at the same
 * directory is refused instead of overwriting the first one's files. A lock left by a run on this
 * host whose process is gone (a killed driver) is taken over, with a warning; a lock from another
 * host names that host, and is removed by deleting the file.
 */
final class RunDirectory implements AutoCloseable {
    static final String LOCK = "_ignis.lock";
    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    private final FileSystem fs;
    private final Path lock;

    private RunDirectory(FileSystem fs, Path lock) {
        this.fs = fs;
        this.lock = lock;
    }

    /**
     * Claims {@code dir} for this run.
     *
     * @param role what the directory holds, for messages ("checkpoint directory", "output directory")
     * @throws IllegalArgumentException when it cannot be written, naming it and the cause
     * @throws IllegalStateException    when another live run holds it, naming that run
     */
    static RunDirectory claim(String dir, String role, Configuration conf) {
        Path path = new Path(dir);
        FileSystem fs;
        try {
            fs = path.getFileSystem(conf);
            fs.mkdirs(path);
            Path probe = new Path(path, "_ignis-write-test-" + UUID.randomUUID());
            try (OutputStream out = fs.create(probe, false)) {
                out.write(1);
            }
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(role + " " + dir + " is not writable: " + e.getMessage(), e);
        }
        Path lock = new Path(path, LOCK);
        String me = holder();
        try {
            if (!create(fs, lock, me)) {
                String other = read(fs, lock);
                if (!staleOnThisHost(other)) {
                    throw new IllegalStateException(role + " " + dir + " is in use by another run (" + other
                            + ", lock file " + lock + "); point this run elsewhere, or delete the lock file if that"
                            + " run is gone");
                }
                LOG.warn("{} {}: taking over the lock of a run that is gone ({})", role, dir, other);
                fs.delete(lock, false);
                if (!create(fs, lock, me)) {
                    throw new IllegalStateException(role + " " + dir + " was claimed by another run just now ("
                            + read(fs, lock) + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("locking " + role + " " + dir + ": " + e.getMessage(), e);
        }
        return new RunDirectory(fs, lock);
    }

    /** Creates the lock file holding {@code content}; false when it exists already. */
    private static boolean create(FileSystem fs, Path lock, String content) throws IOException {
        try (OutputStream out = fs.create(lock, false)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(lock)) {
                return false;   // some file systems report an existing file as a plain IOException
            }
            throw e;
        }
    }

    private static String read(FileSystem fs, Path lock) throws IOException {
        try (var in = fs.open(lock)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    /** "host=H pid=P started=ISO-time" of this process. */
    private static String holder() {
        return "host=" + hostName() + " pid=" + ProcessHandle.current().pid() + " started="
                + java.time.Instant.now();
    }

    /** Whether a lock's holder ran on this host and its process no longer exists. */
    static boolean staleOnThisHost(String holder) {
        String host = field(holder, "host");
        String pid = field(holder, "pid");
        if (host == null || pid == null || !host.equals(hostName())) {
            return false;
        }
        try {
            long p = Long.parseLong(pid);
            return p != ProcessHandle.current().pid() && ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String field(String holder, String name) {
        for (String part : holder.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            fs.delete(lock, false);
        } catch (IOException e) {
            LOG.warn("could not delete the lock file {}: {}", lock, e.getMessage());
        }
    }
}
