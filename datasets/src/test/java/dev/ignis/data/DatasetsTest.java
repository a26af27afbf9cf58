package dev.ignis.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetsTest {

    private static List<Long> all(Iterable<Long> it) {
        List<Long> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    @Test
    void tensorDatasetChecksSizes() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4))).getMessage().startsWith("Size mismatch"));
        TensorDataset ds = new TensorDataset(Tensor.arange(0.0, 6.0, 1.0).reshape(3, 2), Tensor.arange(3));
        assertArrayEquals(new float[] {4, 5}, ds.get(2)[0].toFloatArray());
    }

    @Test
    void subsetsConcatenationAndRandomSplit() {
        TensorDataset ds = new TensorDataset(Tensor.arange(10));
        Subset<Tensor[]> sub = new Subset<>(ds, new long[] {9, 0});
        assertEquals(9L, (long) sub.get(0)[0].item());
        ConcatDataset<Tensor[]> cat = new ConcatDataset<>(List.of(sub, ds));
        assertEquals(12, cat.size());
        assertEquals(1L, (long) cat.get(3)[0].item());
        List<Subset<Tensor[]>> parts = Datasets.randomSplit(ds, new double[] {0.33, 0.33, 0.34}, new Generator(1));
        // floor(3.3), floor(3.3), floor(3.4) = 3, 3, 3; one left over goes to the first
        assertEquals(List.of(4L, 3L, 3L), parts.stream().map(Subset::size).toList());
        Set<Long> seen = new HashSet<>();
        for (Subset<Tensor[]> p : parts) {
            for (long i : p.indices()) {
                assertTrue(seen.add(i));
            }
        }
        assertEquals(10, seen.size());
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(ds, new double[] {3, 3}, new Generator(1)));
    }

    @Test
    void samplers() {
        assertEquals(List.of(0L, 1L, 2L), all(new SequentialSampler(3)));
        RandomSampler r = new RandomSampler(5, new Generator(2));
        assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), new HashSet<>(all(r)));
        RandomSampler withReplacement = new RandomSampler(3, true, 20, new Generator(2));
        assertEquals(20, all(withReplacement).size());
        assertEquals(Set.of(4L, 7L), new HashSet<>(all(new SubsetRandomSampler(new long[] {4, 7}, new Generator(1)))));
        List<Long> weighted = all(new WeightedRandomSampler(new double[] {0, 0, 1}, 5, true, new Generator(1)));
        assertEquals(List.of(2L, 2L, 2L, 2L, 2L), weighted);
        assertThrows(IllegalArgumentException.class,
                () -> new WeightedRandomSampler(new double[] {1, 0}, 2, false, new Generator(1)));
        BatchSampler batches = new BatchSampler(new SequentialSampler(7), 3, false);
        assertEquals(3, batches.size());
        List<long[]> list = new ArrayList<>();
        batches.forEach(list::add);
        assertArrayEquals(new long[] {6}, list.get(2));
    }

    @Test
    void distributedSamplerPadsByWrappingAndSplitsByRank() {
        DistributedSampler r0 = new DistributedSampler(5, 2, 0, false, 0, false);
        DistributedSampler r1 = new DistributedSampler(5, 2, 1, false, 0, false);
        assertEquals(List.of(0L, 2L, 4L), all(r0));
        assertEquals(List.of(1L, 3L, 0L), all(r1), "padded with the first index");
        assertEquals(2, new DistributedSampler(5, 2, 1, false, 0, true).size());
        DistributedSampler shuffled = new DistributedSampler(10, 2, 0, true, 7, false);
        List<Long> epoch0 = all(shuffled);
        shuffled.setEpoch(1);
        assertTrue(!epoch0.equals(all(shuffled)), "the shuffle depends on the epoch");
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(5, 2, 2, false, 0, false));
    }
}
