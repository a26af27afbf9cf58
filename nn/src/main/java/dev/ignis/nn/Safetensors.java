package dev.ignis.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes state dicts in the safetensors format (Hugging Face): an 8-byte little-endian
 * header length, a JSON header mapping each name to {dtype, shape, data_offsets} (plus optional
 * {@code __metadata__}), padded with spaces to a multiple of 8, then the raw little-endian data.
 * Files go through Hadoop's {@link FileSystem}, so {@code file://}, {@code hdfs://} and
 * {@code s3a://} paths all work. A save writes a temporary file next to the target and renames
 * it, so a failed save never leaves a half-written model.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    private static String code(DType t) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case BOOL -> "BOOL";
        };
    }

    static DType dtype(String code, String key, String path) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I64" -> DType.INT64;
            case "BOOL" -> DType.BOOL;
            default -> throw new IllegalArgumentException(path + ": tensor '" + key + "' has dtype " + code
                    + ", which Ignis does not read (F32, F64, I64, BOOL)");
        };
    }

    /** Writes {@code tensors} (e.g. a stateDict) to {@code uri} with the default Hadoop configuration. */
    public static void save(Map<String, Tensor> tensors, String uri) {
        save(tensors, uri, Map.of(), new Configuration());
    }

    public static void save(Map<String, Tensor> tensors, String uri, Map<String, String> metadata, Configuration conf) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue().detach().contiguous();
            byte[] data = bytes(t);
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", code(t.dtype()));
            ArrayNode shape = entry.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            ArrayNode offsets = entry.putArray("data_offsets");
            offsets.add(offset);
            offsets.add(offset + data.length);
            offset += data.length;
            blobs.add(data);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        Path target = new Path(uri);
        Path temporary = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            FileSystem fs = target.getFileSystem(conf);
            try (OutputStream out = fs.create(temporary, true)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(json);
                out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
                for (byte[] b : blobs) {
                    out.write(b);
                }
            } catch (IOException | RuntimeException e) {
                fs.delete(temporary, false);
                throw e;
            }
            if (fs.exists(target)) {
                fs.delete(target, false);
            }
            if (!fs.rename(temporary, target)) {
                fs.delete(temporary, false);
                throw new IOException("could not rename " + temporary + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("saving safetensors to " + uri + " failed: " + e.getMessage(), e);
        }
    }

    /** Reads every tensor of a safetensors file, in file order. */
    public static Map<String, Tensor> load(String uri) {
        return load(uri, new Configuration());
    }

    public static Map<String, Tensor> load(String uri, Configuration conf) {
        return read(uri, conf, SafetensorsReader::read);
    }

    /** The file's {@code __metadata__} (as {@link #save} wrote it; empty when there is none), without reading its tensors. */
    public static Map<String, String> metadata(String uri, Configuration conf) {
        return read(uri, conf, SafetensorsReader::metadata);
    }

    /** What a reader takes from an open file of a given size. */
    private interface Reading<T> {
        T from(SafetensorsReader reader, InputStream in, long fileSize) throws IOException;
    }

    private static <T> T read(String uri, Configuration conf, Reading<T> reading) {
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            long fileSize = fs.getFileStatus(path).getLen();
            try (InputStream in = fs.open(path)) {
                return reading.from(new SafetensorsReader(uri, 1 << 20), in, fileSize);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading safetensors " + uri + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(Tensor t) {
        int n = t.numel();
        ByteBuffer b;
        switch (t.dtype()) {
            case FLOAT32 -> {
                b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.toFloatArray());
            }
            case FLOAT64 -> {
                b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                b.asDoubleBuffer().put(t.toDoubleArray());
            }
            case INT64 -> {
                b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                b.asLongBuffer().put(t.toLongArray());
            }
            default -> {
                b = ByteBuffer.allocate(n);
                for (boolean v : t.toBooleanArray()) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
        }
        return b.array();
    }
}
