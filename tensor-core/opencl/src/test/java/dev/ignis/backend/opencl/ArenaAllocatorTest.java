package dev.ignis.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArenaAllocatorTest {

    @Test
    void freedRangesMergeAndAreReusedFirstFit() {
        ArenaAllocator a = new ArenaAllocator(100);
        int x = a.allocate(30, DType.FLOAT32);
        int y = a.allocate(30, DType.FLOAT32);
        int z = a.allocate(40, DType.FLOAT32);
        assertEquals(List.of(0, 30, 60), List.of(x, y, z));
        a.free(x, 30);
        a.free(y, 30);   // merges with x's range: 60 free at 0
        assertEquals(0, a.allocate(50, DType.FLOAT32));
        assertEquals(50, a.inUse() - 40);
    }

    @Test
    void aFullArenaIsAnErrorNamingItAndWhatToChange() {
        ArenaAllocator a = new ArenaAllocator(10);
        a.allocate(8, DType.INT64);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.allocate(3, DType.INT64));
        assertEquals("opencl: out of device memory: the INT64 arena (10 elements, 8 in use) has no free run of 3"
                + " elements; release tensors or start the JVM with a larger -Dignis.opencl.arenaScale", e.getMessage());
    }

    /**
     * Random allocations and frees never hand out overlapping ranges: the allocator once read a
     * free range's length after removing it from its TreeMap, which by then held its successor's.
     */
    @Test
    void liveRangesNeverOverlapUnderRandomUse() {
        ArenaAllocator a = new ArenaAllocator(1 << 16);
        Random r = new Random(3);
        List<int[]> live = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (!live.isEmpty() && (r.nextBoolean() || live.size() > 60)) {
                int[] range = live.remove(r.nextInt(live.size()));
                a.free(range[0], range[1]);
            } else {
                int size = 1 + r.nextInt(900);
                int start = a.tryAllocate(size);
                if (start >= 0) {
                    for (int[] other : live) {
                        assertTrue(start + size <= other[0] || other[0] + other[1] <= start,
                                "step " + i + ": [" + start + ", " + (start + size) + ") overlaps [" + other[0] + ", "
                                        + (other[0] + other[1]) + ")");
                    }
                    live.add(new int[] {start, size});
                }
            }
        }
        long used = live.stream().mapToLong(x -> x[1]).sum();
        assertEquals(used, a.inUse());
    }

    @Test
    void freeingARangeTwiceIsCaught() {
        ArenaAllocator a = new ArenaAllocator(100);
        int x = a.allocate(10, DType.FLOAT64);
        a.free(x, 10);
        assertThrows(IllegalStateException.class, () -> a.free(x, 10));
    }
}
