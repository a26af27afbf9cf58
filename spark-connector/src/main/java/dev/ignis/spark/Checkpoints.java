package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.nn.Safetensors;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in a directory on any Hadoop file system: {@code round-NNNNNN.safetensors} files in
 * {@link CheckpointFormat} (readable from PyTorch, with a checksum over their tensors). Each is
 * written under a temporary name and renamed, so a crash never leaves a half-written checkpoint
 * under a real name; {@link #latest} skips files that fail to read or to verify (and says so) and
 * returns the newest good one. Once a new checkpoint is complete under its real name, the oldest
 * beyond the newest {@code keep} are deleted (never before, so a failed write leaves the earlier
 * ones).
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final String SUFFIX = ".safetensors";

    private final Path dir;
    private final Configuration conf;
    private final int keep;
    private final Supplier<Module> factory;

    /**
     * Checkpoints in {@code dir}, keeping the newest {@code keep} (0: all), of models that
     * {@code factory} builds (which names the weights' tensors).
     */
    Checkpoints(String dir, Configuration conf, int keep, Supplier<Module> factory) {
        this.dir = new Path(dir);
        this.conf = conf;
        this.keep = keep;
        this.factory = factory;
    }

    /** Writes {@code checkpoint} atomically; returns its path. */
    Path write(Checkpoint checkpoint) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            Path target = new Path(dir, String.format("round-%06d%s", checkpoint.nextRound(), SUFFIX));
            Path tmp = new Path(dir, "_tmp-" + target.getName());
            Map<String, Tensor> tensors = CheckpointFormat.tensors(checkpoint, factory);
            Safetensors.save(tensors, tmp.toString(), CheckpointFormat.metadata(checkpoint, tensors), conf);
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
            if (name.startsWith("round-") && name.endsWith(SUFFIX)) {
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
     * in any way (truncated, checksum, keys that do not fit the model, even an {@code Error}) is
     * skipped with a warning; only the JVM's own failures (out of memory) propagate.
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

    /**
     * Reads one checkpoint file, verifying it.
     *
     * @throws IllegalArgumentException or {@link UncheckedIOException} naming what is wrong with it
     */
    Checkpoint read(Path file) {
        String uri = file.toString();
        return CheckpointFormat.read(Safetensors.load(uri, conf), Safetensors.metadata(uri, conf), factory);
    }
}
