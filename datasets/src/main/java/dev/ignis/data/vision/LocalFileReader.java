package dev.ignis.data.vision;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads whole local files with as few system calls as the JDK allows: open, one read into a
 * per-thread direct buffer, close. {@code Files.readAllBytes} adds a stat for the size and a
 * second read to see end-of-file; for the small image files of a dataset folder those calls cost
 * as much as the read itself.
 *
 * <p>A read that returns fewer bytes than asked for is taken as end-of-file: on a local regular
 * file the kernel returns short only at its end. Anything else (a pipe, /proc) is read to -1.
 */
final class LocalFileReader {
    private static final int INITIAL_CAPACITY = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(INITIAL_CAPACITY));

    private LocalFileReader() {
    }

    /** The file's bytes, as a new array of exactly its length. */
    static byte[] readAll(Path file, boolean regularFile) throws IOException {
        ByteBuffer buf = BUFFER.get();
        buf.clear();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                if (!buf.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocateDirect(buf.capacity() * 2);
                    bigger.put(buf.flip());
                    BUFFER.set(bigger);
                    buf = bigger;
                }
                int asked = buf.remaining();
                int n = ch.read(buf);
                if (n < 0 || (regularFile && n < asked)) {
                    break;
                }
            }
        }
        byte[] bytes = new byte[buf.position()];
        buf.flip().get(bytes);
        return bytes;
    }
}
