package dev.ignis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The caching allocator's size classes: 512-byte steps up to 1 MiB, 2 MiB steps above. */
class CudaAllocatorTest {
    @Test
    void sizesRoundUpToTheirClass() {
        assertEquals(512, CudaAllocator.sizeClass(1));
        assertEquals(512, CudaAllocator.sizeClass(512));
        assertEquals(1024, CudaAllocator.sizeClass(513));
        assertEquals(1L << 20, CudaAllocator.sizeClass(1L << 20));
        assertEquals(2L << 20, CudaAllocator.sizeClass((1L << 20) + 1));
        assertEquals(4L << 20, CudaAllocator.sizeClass((2L << 20) + 1));
    }
}
