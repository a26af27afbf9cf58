package dev.ignis.data.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.data.DataLoader;
import dev.ignis.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageFolder against the local filesystem and a real in-process HDFS (MiniDFSCluster): the same
 * folder tree is written to both and must read back identically (torchvision ImageFolder's
 * documented class and file ordering).
 */
class ImageFolderTest {
    private static MiniDFSCluster cluster;
    @TempDir
    static Path hdfsBase;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, hdfsBase.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    /** A w×h PNG whose pixels are all (value, value/2, 255 − value). */
    private static byte[] png(int w, int h, int value) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (value << 16) | ((value / 2) << 8) | (255 - value));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** Relative path → bytes of the test tree: classes "b" and "a" (listed out of order), a nested file, noise. */
    private static Map<String, byte[]> tree() throws IOException {
        return Map.of(
                "b/z.png", png(4, 3, 200),
                "b/sub/y.PNG", png(4, 3, 100),
                "a/x.png", png(4, 3, 10),
                "a/notes.txt", "not an image".getBytes(),
                "a/broken.png", "not a png".getBytes());
    }

    private static void writeLocal(Path root, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
    }

    private static String writeHdfs(String dir, Map<String, byte[]> files) throws IOException {
        FileSystem fs = cluster.getFileSystem();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(dir + "/" + e.getKey()))) {
                out.write(e.getValue());
            }
        }
        return fs.getUri() + dir;
    }

    private static void checkTree(String root, Configuration conf) {
        ImageFolder ds = new ImageFolder(root, new ImageFolder.Options().conf(conf).transform(Transforms.toTensor()));
        assertEquals(List.of("a", "b"), ds.classes(), "sorted class folders");
        assertEquals(Map.of("a", 0, "b", 1), ds.classToIdx());
        assertEquals(List.of(0, 0, 1, 1), ds.targets(), "broken.png is listed (decoded lazily), notes.txt is not");
        assertTrue(ds.samples().get(0).path().endsWith("a/broken.png"));
        assertTrue(ds.samples().get(2).path().endsWith("b/sub/y.PNG"), "recursive, case-insensitive extension");
        Object[] sample = ds.get(1);
        Tensor image = (Tensor) sample[0];
        assertArrayEquals(new int[] {3, 3, 4}, image.shape());
        assertEquals(10 / 255.0, image.get(0, 0, 0), 1e-6);
        assertEquals(245 / 255.0, image.get(2, 1, 1), 1e-6);
        assertEquals(0L, sample[1]);
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> ds.get(0));
        assertTrue(bad.getMessage().contains("a/broken.png") && bad.getMessage().contains("class folder 'a'"),
                bad.getMessage());
        ImageFolder skipping = new ImageFolder(root, new ImageFolder.Options().conf(conf).skipBadFiles(true)
                .transform(Transforms.toTensor()));
        try (DataLoader<Object> loader = DataLoader.of(skipping).batchSize(4).numWorkers(2).build()) {
            Object[] batch = (Object[]) loader.iterator().next();
            assertArrayEquals(new int[] {4, 3, 3, 4}, ((Tensor) batch[0]).shape());
            assertArrayEquals(new long[] {0, 0, 1, 1}, ((Tensor) batch[1]).toLongArray());
        }
        assertEquals(1, skipping.badFiles());
    }

    @Test
    void readsALocalFolderTree(@TempDir Path dir) throws IOException {
        writeLocal(dir, tree());
        checkTree(dir.toUri().toString(), new Configuration());
    }

    @Test
    void readsTheSameTreeFromHdfs() throws IOException {
        String root = writeHdfs("/images", tree());
        assertTrue(root.startsWith("hdfs://"), root);
        checkTree(root, cluster.getFileSystem().getConf());
    }

    /** Class folders and files whose names hold characters a URI would escape or misread. */
    private static Map<String, byte[]> awkwardNames() throws IOException {
        return Map.of(
                "T-shirt top/a b.png", png(2, 2, 1),
                "50% off #1 [x]/c%20d.png", png(2, 2, 2),
                "Größe/e#f [g].png", png(2, 2, 3));
    }

    private static void checkAwkwardNames(String root, Configuration conf) {
        ImageFolder ds = new ImageFolder(root, new ImageFolder.Options().conf(conf).transform(Transforms.toTensor()));
        assertEquals(List.of("50% off #1 [x]", "Größe", "T-shirt top"), ds.classes());
        assertTrue(ds.samples().get(0).path().endsWith("50% off #1 [x]/c%20d.png"), ds.samples().get(0).path());
        assertTrue(ds.samples().get(1).path().endsWith("Größe/e#f [g].png"), ds.samples().get(1).path());
        for (int i = 0; i < 3; i++) {
            Object[] sample = ds.get(i);
            assertEquals((long) i, sample[1]);
            assertEquals(new int[] {2, 3, 1}[i] / 255.0, ((Tensor) sample[0]).get(0, 0, 0), 1e-6, "file of class " + i);
        }
    }

    @Test
    void namesWithSpacesPercentHashBracketsAndNonAsciiLoadFromAPlainLocalPath(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("my data #2 [v1] 100%");
        writeLocal(root, awkwardNames());
        checkAwkwardNames(root.toString(), new Configuration());
        assertEquals(List.of("50% off #1 [x]", "Größe", "T-shirt top"), ImageFolder.findClasses(root.toString(),
                new Configuration()));
    }

    @Test
    void namesWithSpacesPercentHashBracketsAndNonAsciiLoadFromHdfs() throws IOException {
        String root = writeHdfs("/my data #2 [v1] 100%", awkwardNames());
        checkAwkwardNames(root, cluster.getFileSystem().getConf());
    }

    @Test
    void aBadFileIsRememberedCountedOnceAndSkippedInLinearTime(@TempDir Path dir) throws IOException {
        Map<String, byte[]> files = new java.util.HashMap<>(Map.of("c/a.png", png(2, 2, 7)));
        for (int i = 0; i < 200; i++) {
            files.put(String.format("c/b%03d.png", i), "not a png".getBytes());
        }
        writeLocal(dir, files);
        ImageFolder ds = new ImageFolder(dir.toString(), new ImageFolder.Options().skipBadFiles(true)
                .transform(Transforms.toTensor()));
        for (int pass = 0; pass < 2; pass++) {
            for (long i = 0; i < ds.size(); i++) {
                assertEquals(7 / 255.0, ((Tensor) ds.get(i)[0]).get(0, 0, 0), 1e-6, "index " + i + " gives a.png");
            }
        }
        // each bad file decoded and counted once over two passes: without the memory a pass would
        // decode and count every bad file after each index again (about 20,000 times)
        assertEquals(200, ds.badFiles());
    }

    @Test
    void aTransformsExceptionIsNotABadFile(@TempDir Path dir) throws IOException {
        writeLocal(dir, Map.of("c/a.png", png(2, 2, 7)));
        ImageFolder ds = new ImageFolder(dir.toString(), new ImageFolder.Options().skipBadFiles(true)
                .transform(img -> {
                    throw new IllegalArgumentException("crop larger than the image");
                }));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ds.get(0));
        assertTrue(e.getMessage().contains("the transform failed on") && e.getMessage().contains("a.png")
                && e.getMessage().contains("crop larger than the image"), e.getMessage());
        assertEquals(0, ds.badFiles());
    }

    @Test
    void aFileThatCannotBeReadIsAnErrorNotABadFileLocallyAndOnHdfs(@TempDir Path dir) throws IOException {
        writeLocal(dir, Map.of("c/a.png", png(2, 2, 7), "c/b.png", png(2, 2, 8)));
        ImageFolder local = new ImageFolder(dir.toString(), new ImageFolder.Options().skipBadFiles(true));
        Files.delete(dir.resolve("c/a.png"));   // gone after the listing, as on an outage
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> local.get(0));
        assertTrue(e.getMessage().contains("a.png"), e.getMessage());
        assertEquals(0, local.badFiles());
        String root = writeHdfs("/outage", Map.of("c/a.png", png(2, 2, 7), "c/b.png", png(2, 2, 8)));
        ImageFolder remote = new ImageFolder(root, new ImageFolder.Options().conf(cluster.getFileSystem().getConf())
                .skipBadFiles(true));
        cluster.getFileSystem().delete(new org.apache.hadoop.fs.Path("/outage/c/a.png"), false);
        UncheckedIOException h = assertThrows(UncheckedIOException.class, () -> remote.get(0));
        assertTrue(h.getMessage().contains("/outage/c/a.png"), h.getMessage());
        assertEquals(0, remote.badFiles());
    }

    @Test
    void missingClassesAndEmptyClassesFailLikeTorchvision(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("empty-root"));
        UncheckedIOException none = assertThrows(UncheckedIOException.class,
                () -> new ImageFolder(dir.resolve("empty-root").toUri().toString(), new ImageFolder.Options()));
        assertTrue(none.getMessage().startsWith("Couldn't find any class folder in"), none.getMessage());
        writeLocal(dir.resolve("r"), Map.of("cat/a.png", png(2, 2, 1), "dog/readme.txt", "x".getBytes()));
        UncheckedIOException empty = assertThrows(UncheckedIOException.class,
                () -> new ImageFolder(dir.resolve("r").toUri().toString(), new ImageFolder.Options()));
        assertTrue(empty.getMessage().contains("Found no valid file for the classes dog"), empty.getMessage());
        ImageFolder allowed = new ImageFolder(dir.resolve("r").toUri().toString(), new ImageFolder.Options().allowEmpty(true));
        assertEquals(List.of("cat", "dog"), allowed.classes());
        assertEquals(1, allowed.size());
    }

    @Test
    void grayscaleAndTransforms(@TempDir Path dir) throws IOException {
        writeLocal(dir, Map.of("c/a.png", png(5, 4, 100)));
        ImageFolder gray = new ImageFolder(dir.toUri().toString(), new ImageFolder.Options().mode("L")
                .transform(Transforms.toTensor().andThen(Transforms.normalize(new double[] {0.5}, new double[] {0.5}))));
        Tensor t = (Tensor) gray.get(0)[0];
        assertArrayEquals(new int[] {1, 4, 5}, t.shape());
        double luma = Math.floor((100 * 299 + 50 * 587 + 155 * 114) / 1000.0 + 0.5);
        assertEquals((luma / 255 - 0.5) / 0.5, t.get(0, 0, 0), 1e-5);
        Tensor cropped = Transforms.centerCrop(2, 3).apply(t);
        assertArrayEquals(new int[] {1, 2, 3}, cropped.shape());
        assertThrows(IllegalArgumentException.class, () -> Transforms.normalize(new double[] {0}, new double[] {0}));
    }

    @Test
    void normalizeInplaceOverwritesItsInputAsTorchvisionsInplaceTrue() {
        Tensor x = Tensor.fromArray(new float[] {0.5f, 2f, 0f, 0.75f}, 2, 1, 2);
        double[] mean = {0.5, 0.25};
        double[] std = {0.5, 0.25};
        Tensor copied = Transforms.normalize(mean, std).apply(x);
        assertEquals(2.0, x.get(0, 0, 1), 0.0, "inplace=False leaves its input alone");
        Tensor same = Transforms.normalize(mean, std, true).apply(x);
        assertSame(x, same);
        for (int c = 0; c < 2; c++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(copied.get(c, 0, j), x.get(c, 0, j), 0.0);
            }
        }
        assertEquals(3.0, x.get(0, 0, 1), 0.0);
        assertEquals(-1.0, x.get(1, 0, 0), 0.0);
        assertEquals(2.0, x.get(1, 0, 1), 0.0);
    }

    @Test
    void localFilesOfAnySizeAreReadWhole(@TempDir Path dir) throws IOException {
        byte[] big = new byte[200_000];   // past the reader's first 64 KiB buffer
        new java.util.Random(1).nextBytes(big);
        Path bigFile = Files.write(dir.resolve("big.bin"), big);
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertArrayEquals(big, LocalFileReader.readAll(bigFile, true));
        assertArrayEquals(new byte[0], LocalFileReader.readAll(empty, true));
        assertArrayEquals(big, LocalFileReader.readAll(bigFile, false));
        assertArrayEquals(new byte[] {1, 2, 3}, LocalFileReader.readAll(Files.write(dir.resolve("small.bin"),
                new byte[] {1, 2, 3}), true), "a small file after a large one on the same thread");
    }
}
