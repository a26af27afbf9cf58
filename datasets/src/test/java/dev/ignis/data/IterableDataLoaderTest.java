package dev.ignis.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** DataLoader over IterableDatasets, against the behaviour torch.utils.data documents. */
class IterableDataLoaderTest {

    /** The longs [start, end); when {@code shard} is set each worker yields every numWorkers-th one. */
    private record Range(long start, long end, boolean shard) implements IterableDataset<Long> {
        @Override
        public Iterator<Long> iterator() {
            WorkerInfo w = WorkerInfo.current();
            int step = shard && w != null ? w.numWorkers() : 1;
            long first = start + (shard && w != null ? w.id() : 0);
            return LongStream.iterate(first, i -> i < end, i -> i + step).boxed().iterator();
        }
    }

    private static List<List<Long>> batches(DataLoader<Object> loader) {
        List<List<Long>> out = new ArrayList<>();
        for (Object b : loader) {
            List<Long> batch = new ArrayList<>();
            for (long v : ((Tensor) b).toLongArray()) {
                batch.add(v);
            }
            out.add(batch);
        }
        return out;
    }

    @Test
    void withoutWorkersBatchesFollowTheStreamAndDropLastDropsTheTail() {
        assertEquals(List.of(List.of(0L, 1L, 2L), List.of(3L, 4L, 5L), List.of(6L)),
                batches(DataLoader.of(new Range(0, 7, false)).batchSize(3).build()));
        assertEquals(List.of(List.of(0L, 1L, 2L), List.of(3L, 4L, 5L)),
                batches(DataLoader.of(new Range(0, 7, false)).batchSize(3).dropLast(true).build()));
    }

    @Test
    void unshardedIterableIsReplicatedOnEveryWorkerAsPyTorchWarns() {
        try (DataLoader<Object> loader = DataLoader.of(new Range(0, 4, false)).batchSize(2).numWorkers(2).build()) {
            assertEquals(List.of(List.of(0L, 1L), List.of(0L, 1L), List.of(2L, 3L), List.of(2L, 3L)), batches(loader));
        }
    }

    @Test
    void workerInfoShardsTheStreamAndBatchesInterleaveRoundRobinAsPyTorchDocuments() {
        try (DataLoader<Object> loader = DataLoader.of(new Range(0, 10, true)).batchSize(2).numWorkers(2).build()) {
            // worker 0 yields 0,2,4,6,8 and worker 1 yields 1,3,5,7,9; batches alternate between them
            List<List<Long>> expected = List.of(List.of(0L, 2L), List.of(1L, 3L), List.of(4L, 6L), List.of(5L, 7L),
                    List.of(8L), List.of(9L));
            assertEquals(expected, batches(loader));
            assertEquals(expected, batches(loader), "a second pass starts new workers");
        }
    }

    @Test
    void aWorkerThatFinishesEarlyIsSkipped() {
        // three workers over 0..4 sharded: worker 0 has {0, 3}, worker 1 {1, 4}, worker 2 {2}
        try (DataLoader<Object> loader = DataLoader.of(new Range(0, 5, true)).batchSize(1).numWorkers(3).build()) {
            assertEquals(List.of(List.of(0L), List.of(1L), List.of(2L), List.of(3L), List.of(4L)), batches(loader));
        }
    }

    @Test
    void workerInfoCarriesIdCountAndBaseSeedPlusIdAndIsNullOnTheMainThread() {
        Map<Integer, WorkerInfo> seen = new ConcurrentHashMap<>();
        IterableDataset<Long> probe = () -> {
            WorkerInfo w = WorkerInfo.current();
            seen.put(w.id(), w);
            return List.of((long) w.id()).iterator();
        };
        try (DataLoader<Object> loader = DataLoader.of(probe).numWorkers(3).generator(new Generator(7)).build()) {
            batches(loader);
        }
        assertEquals(3, seen.size());
        long base = seen.get(0).seed();
        for (int id = 0; id < 3; id++) {
            assertEquals(3, seen.get(id).numWorkers());
            assertEquals(base + id, seen.get(id).seed());
        }
        assertEquals(new Generator(7).nextLong(), base, "the base seed is drawn from the loader's generator");
        assertNull(WorkerInfo.current());
    }

    @Test
    void orderingOptionsAndLenAreRefusedLikePyTorch() {
        Range r = new Range(0, 3, false);
        assertEquals("DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True",
                assertThrows(IllegalArgumentException.class, () -> DataLoader.of(r).shuffle(true).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataLoader.of(r)
                .sampler(new SequentialSampler(3)).build()).getMessage()
                .startsWith("DataLoader with IterableDataset: expected unspecified sampler option"));
        assertEquals("object of type 'Range' has no len()",
                assertThrows(UnsupportedOperationException.class, () -> DataLoader.of(r).build().size()).getMessage());
    }

    @Test
    void aFailureInsideAWorkerSurfacesWithTheWorkerAndStreamPosition() {
        IterableDataset<Long> failing = () -> LongStream.range(0, 10).boxed().map(i -> {
            if (i == 5) {
                throw new IllegalArgumentException("bad record");
            }
            return i;
        }).iterator();
        try (DataLoader<Object> loader = DataLoader.of(failing).batchSize(2).numWorkers(1).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> batches(loader));
            assertEquals("DataLoader worker 0: reading sample 5 of its stream failed: bad record", e.getMessage());
            assertEquals("bad record", e.getCause().getMessage());
        }
    }

    @Test
    void chainDatasetYieldsItsPartsInOrder() {
        ChainDataset<Long> chain = new ChainDataset<>(List.of(new Range(0, 2, false), new Range(10, 10, false),
                new Range(20, 23, false)));
        List<Long> all = new ArrayList<>();
        chain.forEach(all::add);
        assertEquals(List.of(0L, 1L, 20L, 21L, 22L), all);
    }

    @Test
    void mapStyleWorkersSeeTheirWorkerInfoToo() {
        Map<Long, Integer> workerOf = new ConcurrentHashMap<>();
        Dataset<Long> ds = new Dataset<>() {
            @Override
            public long size() {
                return 8;
            }

            @Override
            public Long get(long index) {
                workerOf.put(index, WorkerInfo.current().id());
                return index;
            }
        };
        try (DataLoader<Object> loader = DataLoader.of(ds).batchSize(2).numWorkers(2).build()) {
            batches(loader);
        }
        assertEquals(8, workerOf.size());
        assertTrue(workerOf.values().stream().allMatch(id -> id == 0 || id == 1));
    }
}
