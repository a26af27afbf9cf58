package dev.ignis.backend.opencl;

import dev.ignis.tensor.DType;
import java.util.Map;
import java.util.TreeMap;

/**
 * First-fit allocation of element ranges in one arena, with freed ranges merged with their free
 * neighbours. Storages are released explicitly or by a Cleaner thread, so every method is
 * synchronized.
 */
final class ArenaAllocator {
    private final int capacity;
    /** Free ranges: start → length, none adjacent to another. */
    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private long inUse;

    ArenaAllocator(int capacity) {
        this.capacity = capacity;
        free.put(0, capacity);
    }

    /** The start of a free range of {@code size} elements, now in use, or −1 when there is none. */
    synchronized int tryAllocate(int size) {
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            // read before removing: TreeMap reuses a removed entry's node for its successor
            int start = e.getKey();
            int length = e.getValue();
            if (length >= size) {
                free.remove(start);
                if (length > size) {
                    free.put(start + size, length - size);
                }
                inUse += size;
                return start;
            }
        }
        return -1;
    }

    /** As {@link #tryAllocate}, but an error naming the arena when there is no free range. */
    synchronized int allocate(int size, DType dtype) {
        int start = tryAllocate(size);
        if (start >= 0) {
            return start;
        }
        throw new IllegalStateException("opencl: out of device memory: the " + dtype + " arena (" + capacity
                + " elements, " + inUse + " in use) has no free run of " + size + " elements; release tensors or"
                + " start the JVM with a larger -Dignis.opencl.arenaScale");
    }

    /** Returns the range [start, start + size) to the free ranges. */
    synchronized void free(int start, int size) {
        int s = start;
        int len = size;
        Map.Entry<Integer, Integer> before = free.floorEntry(s);
        Map.Entry<Integer, Integer> next = free.ceilingEntry(s);
        if ((before != null && before.getKey() + before.getValue() > s) || (next != null && next.getKey() < s + size)) {
            throw new IllegalStateException("opencl: arena range [" + s + ", " + (s + size) + ") freed twice");
        }
        if (before != null && before.getKey() + before.getValue() == s) {
            s = before.getKey();
            len += before.getValue();
            free.remove(before.getKey());
        }
        Integer afterLength = free.get(start + size);
        if (afterLength != null) {
            free.remove(start + size);
            len += afterLength;
        }
        free.put(s, len);
        inUse -= size;
    }

    synchronized long inUse() {
        return inUse;
    }
}
