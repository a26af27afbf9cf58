package dev.ignis.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in a directory on any Hadoop file system: {@code round-NNNNNN.ckpt} files holding a
 * magic header, the payload length, its CRC-32 and the serialized {@link Checkpoint}. A file is
 * written under a temporary name and renamed, so a crash never leaves a half-written checkpoint
 * under a real name; {@link #latest} skips files whose length or checksum does not match (and says
 * so) and returns the newest good one.
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final long MAGIC = 0x49474e4953434b31L;   // "IGNISCK1"

    private final Path dir;
    private final Configuration conf;

    Checkpoints(String dir, Configuration conf) {
        this.dir = new Path(dir);
        this.conf = conf;
    }

    /** Writes {@code checkpoint} atomically; returns its path. */
    Path write(Checkpoint checkpoint) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(checkpoint);
            }
            byte[] payload = bytes.toByteArray();
            CRC32 crc = new CRC32();
            crc.update(payload);
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            Path target = new Path(dir, String.format("round-%06d.ckpt", checkpoint.nextRound()));
            Path tmp = new Path(dir, "_tmp-" + target.getName());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.writeLong(MAGIC);
                out.writeLong(payload.length);
                out.writeLong(crc.getValue());
                out.write(payload);
            }
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The newest checkpoint that reads back intact, or null when there is none. */
    Checkpoint latest() {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return null;
            }
            List<FileStatus> files = new ArrayList<>();
            for (FileStatus st : fs.listStatus(dir)) {
                String name = st.getPath().getName();
                if (name.startsWith("round-") && name.endsWith(".ckpt")) {
                    files.add(st);
                }
            }
            files.sort(Comparator.comparing((FileStatus st) -> st.getPath().getName()).reversed());
            for (FileStatus st : files) {
                try (InputStream in = fs.open(st.getPath())) {
                    return read(in, st.getLen());
                } catch (IOException | ClassNotFoundException | RuntimeException e) {
                    LOG.warn("checkpoint {} is corrupt or partial ({}); trying the previous one", st.getPath(),
                            e.getMessage());
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("listing checkpoints in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Checkpoint read(InputStream raw, long fileLength) throws IOException, ClassNotFoundException {
        DataInputStream in = new DataInputStream(raw);
        if (in.readLong() != MAGIC) {
            throw new IOException("not an Ignis checkpoint (bad magic number)");
        }
        long length = in.readLong();
        long expectedCrc = in.readLong();
        if (length < 0 || length != fileLength - 24) {
            throw new IOException("payload length " + length + " does not match the file (" + (fileLength - 24)
                    + " bytes after the header)");
        }
        byte[] payload = in.readNBytes((int) length);
        CRC32 crc = new CRC32();
        crc.update(payload);
        if (crc.getValue() != expectedCrc) {
            throw new IOException("checksum mismatch (CRC-32 " + Long.toHexString(crc.getValue()) + ", expected "
                    + Long.toHexString(expectedCrc) + ")");
        }
        try (ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            return (Checkpoint) objects.readObject();
        }
    }
}
