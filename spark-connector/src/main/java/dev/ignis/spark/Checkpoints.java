package dev.ignis.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in a directory on any Hadoop file system: {@code round-NNNNNN.ckpt} files holding a
 * magic number, the serialized {@link Checkpoint}, and a trailer with the payload's length and
 * CRC-32. The payload is streamed (never held as one byte array, so checkpoints of models past
 * 2 GB work) under a temporary name and renamed, so a crash never leaves a half-written checkpoint
 * under a real name; {@link #latest} checks a file's length and checksum before deserialising it,
 * skips files that fail (and says so) and returns the newest good one. Once a new checkpoint is
 * complete under its real name, the oldest beyond the newest {@code keep} are deleted (never
 * before, so a failed write leaves the earlier ones).
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final long MAGIC = 0x49474e4953434b32L;   // "IGNISCK2"
    private static final int HEADER = 8;
    private static final int TRAILER = 16;

    private final Path dir;
    private final Configuration conf;
    private final int keep;

    /** Checkpoints in {@code dir}, keeping the newest {@code keep} (0: all). */
    Checkpoints(String dir, Configuration conf, int keep) {
        this.dir = new Path(dir);
        this.conf = conf;
        this.keep = keep;
    }

    /** Writes {@code checkpoint} atomically; returns its path. */
    Path write(Checkpoint checkpoint) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            Path target = new Path(dir, String.format("round-%06d.ckpt", checkpoint.nextRound()));
            Path tmp = new Path(dir, "_tmp-" + target.getName());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.writeLong(MAGIC);
                CRC32 crc = new CRC32();
                ObjectOutputStream objects = new ObjectOutputStream(new CheckedOutputStream(
                        new BufferedOutputStream(out, 1 << 16), crc));
                objects.writeObject(checkpoint);
                objects.flush();   // into out, which stays open for the trailer
                out.writeLong(out.getPos() - HEADER);
                out.writeLong(crc.getValue());
            }
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            prune(fs);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the checkpoints older than the newest {@code keep}. */
    private void prune(FileSystem fs) throws IOException {
        if (keep == 0) {
            return;
        }
        List<FileStatus> files = checkpointFiles(fs);
        for (FileStatus st : files.subList(Math.min(keep, files.size()), files.size())) {
            fs.delete(st.getPath(), false);
        }
    }

    /** The directory's checkpoint files, newest (highest round) first. */
    private List<FileStatus> checkpointFiles(FileSystem fs) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (name.startsWith("round-") && name.endsWith(".ckpt")) {
                files.add(st);
            }
        }
        files.sort(Comparator.comparing((FileStatus st) -> st.getPath().getName()).reversed());
        return files;
    }

    /** A checkpoint and the file it was read from. */
    record Found(Path file, Checkpoint checkpoint) {
    }

    /**
     * The newest checkpoint that reads back intact, or null when there is none. A file that fails
     * in any way (length, checksum, deserialisation, an {@code Error} such as a class that no longer
     * matches) is skipped with a warning; only the JVM's own failures (out of memory) propagate.
     */
    Found latest() {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return null;
            }
            for (FileStatus st : checkpointFiles(fs)) {
                try {
                    return new Found(st.getPath(), read(st.getPath()));
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Exception | Error e) {
                    LOG.warn("checkpoint {} is corrupt or partial ({}); trying the previous one", st.getPath(),
                            e.toString());
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("listing checkpoints in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads one checkpoint file, verifying its length and checksum. */
    Checkpoint read(Path file) throws IOException, ClassNotFoundException {
        FileSystem fs = file.getFileSystem(conf);
        try (FSDataInputStream in = fs.open(file)) {
            return read(in, fs.getFileStatus(file).getLen());
        }
    }

    private static Checkpoint read(FSDataInputStream in, long fileLength) throws IOException, ClassNotFoundException {
        if (fileLength < HEADER + TRAILER) {
            throw new IOException("file of " + fileLength + " bytes is shorter than header and trailer");
        }
        if (in.readLong() != MAGIC) {
            throw new IOException("not an Ignis checkpoint (bad magic number)");
        }
        in.seek(fileLength - TRAILER);
        long length = in.readLong();
        long expectedCrc = in.readLong();
        if (length != fileLength - HEADER - TRAILER) {
            throw new IOException("payload length " + length + " does not match the file ("
                    + (fileLength - HEADER - TRAILER) + " bytes between header and trailer)");
        }
        // the checksum over every payload byte first: nothing is deserialised from a damaged file
        in.seek(HEADER);
        CRC32 crc = new CRC32();
        new CheckedInputStream(new Bounded(in, length), crc).transferTo(OutputStream.nullOutputStream());
        if (crc.getValue() != expectedCrc) {
            throw new IOException("checksum mismatch (CRC-32 " + Long.toHexString(crc.getValue()) + ", expected "
                    + Long.toHexString(expectedCrc) + ")");
        }
        in.seek(HEADER);
        return (Checkpoint) new ObjectInputStream(new BufferedInputStream(new Bounded(in, length), 1 << 16))
                .readObject();
    }

    /** The next {@code remaining} bytes of a stream, so reading the payload stops at the trailer. */
    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buf, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
