package dev.ignis.data;

import dev.ignis.tensor.ReadLimits;
import dev.ignis.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not, local or from any file
 * system Hadoop reaches (hdfs:, ...): a magic number 0x0000TTNN (TT the element type, 0x08 =
 * unsigned byte; NN the number of dimensions), NN big-endian int32 sizes, then the data row-major.
 */
public final class Idx {
    private Idx() {
    }

    /** The file's unsigned bytes as an int64 tensor of the file's shape (labels). */
    public static Tensor readLongs(String uri) {
        Raw raw = read(uri);
        long[] v = new long[raw.data.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = raw.data[i] & 0xff;
        }
        return Tensor.fromArray(v, raw.shape);
    }

    /**
     * The file's unsigned bytes as float32 values {@code (b/255 − mean)/std} (images, normalised as
     * torchvision's ToTensor + Normalize would).
     */
    public static Tensor readFloats(String uri, float mean, float std) {
        Raw raw = read(uri);
        float[] v = new float[raw.data.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((raw.data[i] & 0xff) / 255f - mean) / std;
        }
        return Tensor.fromArray(v, raw.shape);
    }

    private record Raw(int[] shape, byte[] data) {
    }

    /**
     * A local file (a path, or a file: URI) through java.nio; any other scheme (hdfs:, s3a:, ...)
     * through Hadoop's FileSystem. Local files skip Hadoop's configuration loading, which parses
     * its XML defaults and loads hundreds of classes before the first byte is read.
     */
    private static InputStream open(String uri) throws IOException {
        // Hadoop's Path(String) takes the text as a path (spaces, %, # and brackets are name
        // characters), where URI.create would refuse or reinterpret them
        Path path = new Path(uri);
        String scheme = path.toUri().getScheme();
        if (scheme == null) {
            return Files.newInputStream(java.nio.file.Path.of(uri));
        }
        if ("file".equals(scheme)) {
            return Files.newInputStream(java.nio.file.Path.of(Path.getPathWithoutSchemeAndAuthority(path).toString()));
        }
        return path.getFileSystem(new Configuration()).open(path);
    }

    private static Raw read(String uri) {
        try {
            try (InputStream file = new BufferedInputStream(open(uri))) {
                file.mark(2);
                int b0 = file.read();
                int b1 = file.read();
                file.reset();
                InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(file, 1 << 16) : file;
                DataInputStream data = new DataInputStream(in);
                int magic = data.readInt();
                int type = (magic >> 8) & 0xff;
                int dims = magic & 0xff;
                if ((magic >>> 16) != 0 || type != 0x08 || dims < 1 || dims > 4) {
                    throw new IllegalArgumentException(uri + ": not an unsigned-byte IDX file (magic number 0x"
                            + Integer.toHexString(magic) + ", expected 0x000008NN)");
                }
                int[] shape = new int[dims];
                long count = 1;
                for (int d = 0; d < dims; d++) {
                    shape[d] = data.readInt();
                    if (shape[d] < 0) {
                        throw new IllegalArgumentException(uri + ": corrupt IDX header: dimension " + d + " is "
                                + shape[d]);
                    }
                    count *= shape[d];
                    if (count > Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException(uri + ": corrupt IDX header: the dimensions "
                                + java.util.Arrays.toString(java.util.Arrays.copyOf(shape, d + 1))
                                + " claim more than 2^31 bytes");
                    }
                }
                ReadLimits.check(uri + ": IDX " + java.util.Arrays.toString(shape), count);
                // read what is there, growing as it arrives: a header that lies about the size costs
                // the file's own length, never the claimed one
                byte[] values = data.readNBytes((int) count);
                if (values.length < count) {
                    throw new IllegalArgumentException(uri + ": truncated IDX file: the header promises "
                            + java.util.Arrays.toString(shape) + " = " + count + " bytes of data, the file holds "
                            + values.length);
                }
                return new Raw(shape, values);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading IDX file " + uri + " failed: " + e.getMessage(), e);
        }
    }
}
