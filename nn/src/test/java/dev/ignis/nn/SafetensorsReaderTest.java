package dev.ignis.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files whose header lies or is incomplete are rejected before anything is allocated,
 * naming the file and the tensor; tensors are read in pieces; paths take any characters.
 */
class SafetensorsReaderTest {
    private static final String FILE = "weights.safetensors";

    /** A file of the given header text followed by {@code dataBytes} zero bytes. */
    private static byte[] file(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return b.array();
    }

    private static String rejected(byte[] bytes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafetensorsReader(FILE, 1 << 20).read(new ByteArrayInputStream(bytes), bytes.length));
        assertTrue(e.getMessage().startsWith(FILE + ":"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void incompleteEntriesAreNamed() {
        assertTrue(rejected(file("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8)).contains("tensor 'w' has no dtype"));
        assertTrue(rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8)).contains("tensor 'w' has no data_offsets"));
        assertTrue(rejected(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8)).contains("tensor 'w' has no shape"));
        assertTrue(rejected(file("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4))
                .contains("dtype F16"));
        assertTrue(rejected(file("[1, 2]", 0)).contains("not a JSON object"));
        assertTrue(rejected(file("{not json", 0)).contains("not JSON"));
    }

    @Test
    void offsetsThatOverlapOrLeaveTheFileAreRejected() {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertTrue(rejected(file(overlap, 12)).contains("'a' [0, 8) and 'b' [4, 12) overlap"));
        String past = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertTrue(rejected(file(past, 8)).contains("past the data block of 8 bytes"));
        String mismatch = "{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}";
        assertTrue(rejected(file(mismatch, 16)).contains("needs 24 bytes"));
    }

    @Test
    void shapesThatAreNegativeOrOverflowAreRejected() {
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,0]}}", 0))
                .contains("invalid shape [2,-3]"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,2],\"data_offsets\":[0,8]}}", 8))
                .contains("more than 2^31 elements"));
    }

    @Test
    void aSmallFileClaimingHugeTensorsAllocatesNothing() {
        // 69 bytes on disk: a header claiming 4 GiB of data gives an error naming both, not an OutOfMemoryError
        byte[] bomb = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1073741823],\"data_offsets\":[0,4294967292]}}", 0);
        assertTrue(rejected(bomb).contains("past the data block of 0 bytes"));
        byte[] lyingLength = file("{}", 0);
        ByteBuffer.wrap(lyingLength).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertTrue(rejected(lyingLength).contains("header length 1099511627776"));
    }

    @Test
    void theBytesPerTensorLimitIsConfigurable() {
        byte[] honest = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        System.setProperty("ignis.io.maxTensorBytes", "8");
        try {
            assertTrue(rejected(honest).contains("claims 16 bytes, over the limit of 8 bytes per tensor"));
        } finally {
            System.clearProperty("ignis.io.maxTensorBytes");
        }
    }

    @Test
    void tensorsAreReadInPiecesWithTheirValues() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("f", Tensor.arange(0.0, 37.0, 1.0).reshape(37));
        state.put("l", Tensor.arange(5L).mul(3L));
        state.put("b", Tensor.fromArray(new boolean[] {true, false, true}, 3));
        byte[] bytes = saved(state);
        Map<String, Tensor> read = new SafetensorsReader(FILE, 8).read(new ByteArrayInputStream(bytes), bytes.length);
        assertEquals(state.keySet(), read.keySet());
        assertArrayEquals(state.get("f").toFloatArray(), read.get("f").toFloatArray());
        assertArrayEquals(state.get("l").toLongArray(), read.get("l").toLongArray());
        assertArrayEquals(state.get("b").toBooleanArray(), read.get("b").toBooleanArray());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafetensorsReader(FILE, 8).read(new ByteArrayInputStream(cut), bytes.length));
        assertTrue(e.getMessage().contains("is cut short"), e.getMessage());
    }

    private static byte[] saved(Map<String, Tensor> state) throws IOException {
        Path tmp = Files.createTempFile("ignis-st", ".safetensors");
        try {
            Safetensors.save(state, tmp.toString());
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Test
    void pathsWithSpacesPercentHashBracketsAndNonAsciiRoundTrip(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("T-shirt top #1 [run 2] 50% Größe"));
        String file = folder.resolve("model a%20b.safetensors").toString();
        Map<String, Tensor> state = Map.of("w", Tensor.of(1f, 2f, 3f));
        Safetensors.save(state, file);
        assertTrue(Files.exists(folder.resolve("model a%20b.safetensors")), "the file has the name given");
        assertArrayEquals(new float[] {1f, 2f, 3f}, Safetensors.load(file).get("w").toFloatArray());
    }
}
