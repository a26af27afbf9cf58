package dev.ignis.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Sample i is (x = [i, i], y = i); slow enough that workers overlap. */
    private static TensorDataset numbers(int n) {
        float[] x = new float[2 * n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = i;
            y[i] = i;
        }
        return new TensorDataset(Tensor.fromArray(x, n, 2), Tensor.fromArray(y));
    }

    private static List<Long> labels(DataLoader<Object> loader) {
        List<Long> seen = new ArrayList<>();
        for (Object batch : loader) {
            for (long v : ((Tensor[]) batch)[1].toLongArray()) {
                seen.add(v);
            }
        }
        return seen;
    }

    @Test
    void batchesComeInSamplerOrderWithOrWithoutWorkers() {
        TensorDataset ds = numbers(23);
        List<Long> expected = LongStream.range(0, 23).boxed().toList();
        try (DataLoader<Object> serial = DataLoader.of(ds).batchSize(5).build();
             DataLoader<Object> parallel = DataLoader.of(ds).batchSize(5).numWorkers(3).prefetchFactor(2).build()) {
            assertEquals(5, serial.size());
            assertEquals(expected, labels(serial));
            assertEquals(expected, labels(parallel));
            assertEquals(expected, labels(parallel), "a second pass works too");
            Tensor[] first = (Tensor[]) serial.iterator().next();
            assertArrayEquals(new int[] {5, 2}, first[0].shape());
            assertEquals(DType.INT64, first[1].dtype());
        }
    }

    @Test
    void shuffleIsSeededAndCoversEverySampleOnce() {
        TensorDataset ds = numbers(50);
        List<Long> a = labels(DataLoader.of(ds).batchSize(8).shuffle(true).generator(new Generator(3)).build());
        List<Long> b = labels(DataLoader.of(ds).batchSize(8).shuffle(true).generator(new Generator(3)).numWorkers(2).build());
        assertEquals(a, b);
        assertNotEquals(LongStream.range(0, 50).boxed().toList(), a);
        assertEquals(Set.copyOf(LongStream.range(0, 50).boxed().toList()), new HashSet<>(a));
        DataLoader<Object> drop = DataLoader.of(ds).batchSize(8).dropLast(true).build();
        assertEquals(6, drop.size());
        assertEquals(48, labels(drop).size());
    }

    @Test
    void optionConflictsFailLikePyTorch() {
        TensorDataset ds = numbers(4);
        assertEquals("sampler option is mutually exclusive with shuffle", assertThrows(IllegalArgumentException.class,
                () -> DataLoader.of(ds).sampler(new SequentialSampler(4)).shuffle(true).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataLoader.of(ds)
                .batchSampler(new BatchSampler(new SequentialSampler(4), 2, false)).batchSize(2).build()).getMessage()
                .startsWith("batch_sampler option is mutually exclusive"));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(ds).numWorkers(-1).build());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(ds).persistentWorkers(true).build());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(ds).prefetchFactor(4).build());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(ds).timeout(-1).build());
    }

    @Test
    void aFailingSampleSurfacesWithItsIndex() {
        Dataset<Tensor> broken = new Dataset<>() {
            @Override
            public long size() {
                return 10;
            }

            @Override
            public Tensor get(long index) {
                if (index == 7) {
                    throw new IllegalArgumentException("corrupt record");
                }
                return Tensor.of((float) index);
            }
        };
        try (DataLoader<Object> loader = DataLoader.of(broken).batchSize(3).numWorkers(2).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> labelsOf(loader));
            assertTrue(e.getMessage().contains("sample 7") && e.getMessage().contains("corrupt record"), e.getMessage());
        }
    }

    private static void labelsOf(DataLoader<Object> loader) {
        for (Object ignored : loader) {
            // drain
        }
    }

    @Test
    void workersAreInitialisedWithTheirIds() {
        Map<Integer, Boolean> ids = new ConcurrentHashMap<>();
        try (DataLoader<Object> loader = DataLoader.of(numbers(40)).batchSize(1).numWorkers(3)
                .workerInit(id -> ids.put(id, true)).build()) {
            labels(loader);
        }
        assertTrue(Set.of(0, 1, 2).containsAll(ids.keySet()) && !ids.isEmpty(), ids.toString());
    }

    @Test
    void defaultCollateFollowsPyTorch() {
        Object numbers = Collate.defaultCollate(List.of(1.5, 2.5));
        assertEquals(DType.FLOAT64, ((Tensor) numbers).dtype());
        assertEquals(DType.INT64, ((Tensor) Collate.defaultCollate(List.of(1, 2))).dtype());
        assertEquals(List.of("a", "b"), Collate.defaultCollate(List.of("a", "b")));
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) Collate.defaultCollate(List.of(Map.of("x", 1L), Map.of("x", 2L)));
        assertArrayEquals(new long[] {1, 2}, ((Tensor) map.get("x")).toLongArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Collate.defaultCollate(List.of(Tensor.zeros(2), Tensor.zeros(3))));
        assertTrue(e.getMessage().contains("[2] at entry 0 and [3]"), e.getMessage());
        DataLoader<Float> custom = DataLoader.of(numbers(4)).batchSize(2)
                .collate(samples -> (float) samples.size()).build();
        assertEquals(2f, custom.iterator().next());
    }
}
