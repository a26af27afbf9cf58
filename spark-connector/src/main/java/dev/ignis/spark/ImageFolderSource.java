package dev.ignis.spark;

import dev.ignis.data.vision.Image;
import dev.ignis.data.vision.ImageDecoder;
import dev.ignis.data.vision.ImageFolder;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image folder on any Hadoop path (class sub-folders, as ImageFolder) read with Spark's
 * {@code binaryFile} source: the classes and their indices are found once on the driver
 * (sorted, as torchvision), the files are read and decoded on the executors. Each sample's
 * features are the image as ToTensor gives it — [C, H, W] in [0, 1], then (x − mean)/std per
 * channel — flattened.
 */
public final class ImageFolderSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderSource.class);
    private ImageFolderSource() {
    }

    /**
     * {@link #read(SparkSession, String, String, float[], float[], boolean, boolean)} without
     * skipping bad files or allowing empty classes, as ImageFolder's defaults.
     */
    public static JavaRDD<Sample> read(SparkSession spark, String root, String mode, float[] mean, float[] std) {
        return read(spark, root, mode, mean, std, false, false);
    }

    /**
     * The images under {@code root}'s class folders, as ImageFolder finds them: the classes, an empty
     * class folder (an error unless {@code allowEmpty}), a missing or class-less root and a
     * mean/std that does not match the channels are all checked on the driver before any job;
     * files directly under the root are not samples; a file that does not decode (a zero-byte file
     * too) fails the job naming its path, or with {@code skipBadFiles} is left out, logged and
     * counted in the accumulator "ignis bad image files".
     *
     * @param mode "RGB" or "L"
     * @param mean per-channel mean for normalisation (length C), or null for none
     * @param std per-channel std (length C), or null
     */
    public static JavaRDD<Sample> read(SparkSession spark, String root, String mode, float[] mean, float[] std,
                                       boolean skipBadFiles, boolean allowEmpty) {
        if (!mode.equals("RGB") && !mode.equals("L")) {
            throw new IllegalArgumentException("image mode must be RGB or L, got " + mode);
        }
        int channels = mode.equals("L") ? 1 : 3;
        for (float[] stats : new float[][] {mean, std}) {
            if (stats != null && stats.length != channels) {
                throw new IllegalArgumentException((stats == mean ? "mean" : "std") + " has " + stats.length
                        + " values but mode " + mode + " images have " + channels + " channel(s)");
            }
        }
        // the same listing and checks as ImageFolder (missing root, no class folder, empty classes)
        List<String> classes = new ImageFolder(root, new ImageFolder.Options().allowEmpty(allowEmpty)
                .conf(spark.sparkContext().hadoopConfiguration())).classes();
        Map<String, Integer> classToIdx = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classToIdx.put(classes.get(i), i);
        }
        String prefix = new Path(root).toUri().getPath();
        LongAccumulator bad = spark.sparkContext().longAccumulator("ignis bad image files");
        // the root is a folder, not a pattern: without this Spark expands [, ], {, }, * and ? in it
        // (DataSource.GLOB_PATHS_KEY, the switch Spark's own file streams use)
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true").option("__globPaths__", "false")
                .load(root)
                .select("path", "content").javaRDD()
                .filter(row -> hasImageExtension(row.getString(0)))
                .flatMap(row -> {
                    String path = row.getString(0);
                    String relative = sparkPath(path).toUri().getPath().substring(prefix.length())
                            .replaceFirst("^/+", "");
                    int slash = relative.indexOf('/');
                    Integer label = slash < 0 ? null : classToIdx.get(relative.substring(0, slash));
                    if (label == null) {
                        return Collections.emptyIterator();   // directly under the root: not in a class folder
                    }
                    Image img;
                    try {
                        img = ImageDecoder.decode((byte[]) row.get(1), mode);
                    } catch (IOException | RuntimeException e) {
                        String message = "cannot read image " + path + " (class folder '" + relative.substring(0, slash)
                                + "'): " + e.getMessage();
                        if (!skipBadFiles) {
                            throw new IllegalStateException(message, e);
                        }
                        LOG.warn("skipping a bad file: {}", message);
                        bad.add(1);
                        return Collections.emptyIterator();
                    }
                    return List.of(new Sample(chw(img, mean, std), label)).iterator();
                });
    }

    /** The Hadoop path of a {@code binaryFile} row's path column, which holds the path unescaped (Path.toString()). */
    static Path sparkPath(String path) {
        return new Path(path);
    }

    private static boolean hasImageExtension(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return ImageFolder.IMG_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    /** [H, W, C] 0..255 → [C, H, W] (x/255 − mean[c]) / std[c], flattened. */
    static float[] chw(Image img, float[] mean, float[] std) {
        int h = img.height();
        int w = img.width();
        int c = img.channels();
        float[] hwc = img.pixels().toFloatArray();
        float[] out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            float m = mean == null ? 0 : mean[ch];
            float s = std == null ? 1 : std[ch];
            for (int p = 0; p < h * w; p++) {
                out[ch * h * w + p] = (hwc[p * c + ch] / 255f - m) / s;
            }
        }
        return out;
    }
}
