package dev.ignis.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.ReadLimits;
import dev.ignis.tensor.Shape;
import dev.ignis.tensor.Tensor;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors stream (an 8-byte little-endian header length, a JSON header, then the data
 * block) after checking the whole header against the file: every entry has a known dtype, a shape
 * of non-negative sizes whose product fits one tensor, and data_offsets inside the data block that
 * match the shape and overlap no other tensor's. Only then is anything allocated, and then only
 * what the file holds; tensors are read one after another in pieces, so files past 2 GiB read as
 * any other. Every error names the file and, where it has one, the tensor.
 */
final class SafetensorsReader {
    /** The largest header accepted (the format's own limit is 100 MB). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One checked header entry. */
    private record Entry(String key, DType dtype, int[] shape, int numel, long start, long end) {
    }

    private final String file;
    private final int pieceBytes;

    /**
     * @param file       the file's name, for messages
     * @param pieceBytes how many bytes are decoded at a time (a multiple of 8)
     */
    SafetensorsReader(String file, int pieceBytes) {
        this.file = file;
        this.pieceBytes = pieceBytes;
    }

    /** The tensors of a file of {@code fileSize} bytes, in the order of their data. */
    Map<String, Tensor> read(InputStream raw, long fileSize) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        Header header = header(in, fileSize);
        List<Entry> entries = entries(header.json(), fileSize - 8 - header.length());
        Map<String, Tensor> out = new LinkedHashMap<>();
        long position = 0;
        for (Entry e : entries) {
            in.skipNBytes(e.start() - position);
            out.put(e.key(), tensor(in, e));
            position = e.end();
        }
        return out;
    }

    /** The header's {@code __metadata__} (string to string; empty when the file has none). */
    Map<String, String> metadata(InputStream raw, long fileSize) throws IOException {
        JsonNode meta = header(new DataInputStream(raw), fileSize).json().get("__metadata__");
        Map<String, String> out = new LinkedHashMap<>();
        if (meta == null) {
            return out;
        }
        if (!meta.isObject()) {
            throw new IllegalArgumentException(file + ": __metadata__ is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new IllegalArgumentException(file + ": __metadata__ value of '" + field.getKey()
                        + "' is not a string");
            }
            out.put(field.getKey(), field.getValue().asText());
        }
        return out;
    }

    /** A parsed header and its length in bytes. */
    private record Header(JsonNode json, long length) {
    }

    /** Reads and parses the length-prefixed JSON header at the start of {@code in}. */
    private Header header(DataInputStream in, long fileSize) throws IOException {
        if (fileSize < 8) {
            throw new IllegalArgumentException(file + ": not a safetensors file (" + fileSize + " bytes)");
        }
        byte[] lengthBytes = new byte[8];
        in.readFully(lengthBytes);
        long headerLength = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > fileSize - 8 || headerLength > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(file + ": not a safetensors file (header length " + headerLength
                    + " for a file of " + fileSize + " bytes)");
        }
        byte[] json = new byte[(int) headerLength];
        in.readFully(json);
        JsonNode header;
        try {
            header = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": the safetensors header is not JSON: " + e.getOriginalMessage(),
                    e);
        }
        if (header == null || !header.isObject()) {
            throw new IllegalArgumentException(file + ": the safetensors header is not a JSON object");
        }
        return new Header(header, headerLength);
    }

    /** The checked entries, sorted by their data's start. */
    private List<Entry> entries(JsonNode header, long dataLength) {
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("__metadata__")) {
                entries.add(entry(field.getKey(), field.getValue(), dataLength));
            }
        }
        entries.sort((a, b) -> Long.compare(a.start(), b.start()));
        for (int i = 1; i < entries.size(); i++) {
            Entry prev = entries.get(i - 1);
            Entry next = entries.get(i);
            if (next.start() < prev.end()) {
                throw new IllegalArgumentException(file + ": tensors '" + prev.key() + "' [" + prev.start() + ", "
                        + prev.end() + ") and '" + next.key() + "' [" + next.start() + ", " + next.end()
                        + ") overlap in the data block");
            }
        }
        return entries;
    }

    private Entry entry(String key, JsonNode node, long dataLength) {
        String where = file + ": tensor '" + key + "'";
        JsonNode dtype = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual()) {
            throw new IllegalArgumentException(where + " has no dtype");
        }
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new IllegalArgumentException(where + " has no shape");
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()) {
            throw new IllegalArgumentException(where + " has no data_offsets [start, end]");
        }
        DType type = Safetensors.dtype(dtype.asText(), key, file);
        int[] shape = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode size = shapeNode.get(i);
            if (!size.canConvertToInt() || size.asLong() < 0) {
                throw new IllegalArgumentException(where + " has an invalid shape " + shapeNode);
            }
            shape[i] = size.asInt();
            numel *= shape[i];
            if (numel > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + " has shape " + shapeNode + ": more than 2^31 elements,"
                        + " which one tensor cannot hold");
            }
        }
        long start = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        long expected = numel * (type == DType.BOOL ? 1 : type.itemSize());
        ReadLimits.check(where, expected);
        if (start < 0 || end < start || end > dataLength || end - start != expected) {
            throw new IllegalArgumentException(where + " of shape " + Shape.format(shape) + " and dtype " + type
                    + " needs " + expected + " bytes but its data_offsets [" + start + ", " + end + "] cover "
                    + (end - start)
                    + (end > dataLength ? " and end past the data block of " + dataLength + " bytes" : ""));
        }
        return new Entry(key, type, shape, (int) numel, start, end);
    }

    /** Reads one tensor's bytes from the stream in pieces, straight into its values. */
    private Tensor tensor(DataInputStream in, Entry e) throws IOException {
        int n = e.numel();
        int item = e.dtype() == DType.BOOL ? 1 : e.dtype().itemSize();
        Object values = switch (e.dtype()) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case BOOL -> new boolean[n];
        };
        byte[] piece = new byte[(int) Math.min(pieceBytes, Math.max(item, (long) n * item))];
        int perPiece = piece.length / item;
        for (int done = 0; done < n; ) {
            int count = Math.min(perPiece, n - done);
            try {
                in.readFully(piece, 0, count * item);
            } catch (EOFException eof) {
                throw new IllegalArgumentException(file + ": tensor '" + e.key() + "' is cut short: the file ends"
                        + " inside its data", eof);
            }
            ByteBuffer b = ByteBuffer.wrap(piece, 0, count * item).order(ByteOrder.LITTLE_ENDIAN);
            switch (e.dtype()) {
                case FLOAT32 -> b.asFloatBuffer().get((float[]) values, done, count);
                case FLOAT64 -> b.asDoubleBuffer().get((double[]) values, done, count);
                case INT64 -> b.asLongBuffer().get((long[]) values, done, count);
                case BOOL -> {
                    boolean[] v = (boolean[]) values;
                    for (int i = 0; i < count; i++) {
                        v[done + i] = piece[i] != 0;
                    }
                }
            }
            done += count;
        }
        Tensor flat = switch (e.dtype()) {
            case FLOAT32 -> Tensor.fromArray((float[]) values);
            case FLOAT64 -> Tensor.fromArray((double[]) values);
            case INT64 -> Tensor.fromArray((long[]) values);
            case BOOL -> Tensor.fromArray((boolean[]) values);
        };
        return flat.reshape(e.shape());
    }
}
