package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageFolderSource treats a folder as ImageFolder does: root-level files are not samples, empty
 * class folders are an error unless allowed, a zero-byte or undecodable file fails naming its path
 * or is skipped when asked, and a mean/std that does not fit the channels is refused before any
 * job.
 */
class ImageFolderSourceTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-image-folder-source-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static byte[] gray(int value) throws IOException {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static Path folder(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("cat"));
        Files.createDirectories(dir.resolve("dog"));
        Files.write(dir.resolve("cat/a.png"), gray(10));
        Files.write(dir.resolve("dog/b.png"), gray(20));
        Files.write(dir.resolve("root-level.png"), gray(30));
        return dir;
    }

    @Test
    void rootLevelFilesAreNotSamples(@TempDir Path dir) throws IOException {
        List<Sample> samples = ImageFolderSource.read(spark, folder(dir).toString(), "L", null, null).collect();
        assertEquals(2, samples.size());
        assertEquals(List.of(0L, 1L), samples.stream().map(Sample::label).sorted().toList());
    }

    @Test
    void zeroByteAndUndecodableFilesFailNamingThePathOrAreSkipped(@TempDir Path dir) throws IOException {
        folder(dir);
        Files.write(dir.resolve("dog/empty.png"), new byte[0]);
        Files.write(dir.resolve("cat/text.png"), "not an image".getBytes());
        Exception e = assertThrows(Exception.class,
                () -> ImageFolderSource.read(spark, dir.toString(), "L", null, null).collect());
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains("empty.png") || message.contains("text.png"), message);
        List<Sample> kept = ImageFolderSource.read(spark, dir.toString(), "L", null, null, true, false).collect();
        assertEquals(2, kept.size(), "the two good files");
    }

    @Test
    void emptyClassFoldersAreAnErrorUnlessAllowed(@TempDir Path dir) throws IOException {
        folder(dir);
        Files.createDirectories(dir.resolve("emu"));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ImageFolderSource.read(spark, dir.toString(), "L", null, null));
        assertTrue(e.getMessage().contains("Found no valid file for the classes emu"), e.getMessage());
        assertEquals(2, ImageFolderSource.read(spark, dir.toString(), "L", null, null, false, true).count());
    }

    @Test
    void aMeanOrStdThatDoesNotFitTheChannelsIsRefusedFirst(@TempDir Path dir) throws IOException {
        folder(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolderSource.read(spark, dir.toString(), "RGB", new float[] {0.5f}, new float[] {0.5f}));
        assertEquals("mean has 1 values but mode RGB images have 3 channel(s)", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ImageFolderSource.read(spark, dir.resolve("nope").toString(), "X", null, null));
        assertTrue(missing.getMessage().contains("mode must be RGB or L"), missing.getMessage());
        UncheckedIOException noRoot = assertThrows(UncheckedIOException.class,
                () -> ImageFolderSource.read(spark, dir.resolve("nope").toString(), "L", null, null));
        assertTrue(noRoot.getMessage().contains("nope"), noRoot.getMessage());
    }
}
