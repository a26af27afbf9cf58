package dev.ignis.data.vision;

import dev.ignis.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;

/** Decodes PNG, JPEG, BMP and GIF (javax.imageio) into RGB or grayscale {@link Image}s. */
public final class ImageDecoder {
    static {
        // ImageIO otherwise buffers every stream through a temporary file, which serialises
        // DataLoader workers on the disk
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {
    }

    /**
     * @param mode "RGB" or "L" (grayscale, ITU-R 601 luma as PIL's convert("L"))
     * @throws IOException when the bytes are not a readable image
     */
    public static Image decode(InputStream in, String mode) throws IOException {
        BufferedImage img = ImageIO.read(in);
        if (img == null) {
            throw new IOException("not a readable image (no ImageIO reader recognised it)");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        boolean gray = mode.equals("L");
        if (!gray && !mode.equals("RGB")) {
            throw new IllegalArgumentException("image mode must be RGB or L, got " + mode);
        }
        int c = gray ? 1 : 3;
        float[] v = new float[h * w * c];
        boolean sourceGray = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = (y * w + x) * c;
                if (sourceGray) {
                    int g = img.getRaster().getSample(x, y, 0);
                    for (int k = 0; k < c; k++) {
                        v[at + k] = g;
                    }
                    continue;
                }
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (gray) {
                    v[at] = (float) Math.floor((r * 299 + g * 587 + b * 114) / 1000.0 + 0.5);
                } else {
                    v[at] = r;
                    v[at + 1] = g;
                    v[at + 2] = b;
                }
            }
        }
        return new Image(Tensor.fromArray(v, h, w, c));
    }
}
