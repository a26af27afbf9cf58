package dev.ignis.examples;

import dev.ignis.data.Idx;
import dev.ignis.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * {@code bench loader --make}: Fashion-MNIST training images as an image folder of PNGs. A class
 * of its own so that the other commands load without java.desktop (the packed runtime of the GPU
 * check has none): the bytecode verifier loads AWT's image classes with the class that uses them.
 */
final class FashionPngs {
    private FashionPngs() {
    }

    /** Writes the first {@code n} training images into {@code dir}/class{label}/NNNNN.png. */
    static void writePngs(File dir, int n) {
        String src = FashionMnist.defaultDir(System.getProperty("ignis.home", "."));
        Tensor images = Idx.readLongs(src + "/train-images-idx3-ubyte.gz");
        long[] labels = Idx.readLongs(src + "/train-labels-idx1-ubyte.gz").toLongArray();
        long[] pixels = images.toLongArray();
        int count = Math.min(n, labels.length);
        try {
            for (int i = 0; i < count; i++) {
                File classDir = new File(dir, "class" + labels[i]);
                classDir.mkdirs();
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        img.getRaster().setSample(x, y, 0, (int) pixels[i * 784 + y * 28 + x]);
                    }
                }
                ImageIO.write(img, "png", new File(classDir, String.format("%05d.png", i)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.printf("wrote %d PNGs into %s%n", count, dir);
    }
}
