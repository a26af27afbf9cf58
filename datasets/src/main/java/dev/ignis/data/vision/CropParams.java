package dev.ignis.data.vision;

import dev.ignis.tensor.Generator;

/**
 * The random boxes of torchvision's RandomCrop and RandomResizedCrop ({@code get_params}), drawn
 * from a given generator. A box is (top, left, height, width).
 */
record CropParams(int top, int left, int height, int width) {

    /** A uniformly placed h×w box inside an H×W image. */
    static CropParams randomCrop(int imageH, int imageW, int h, int w, Generator gen) {
        if (imageH < h || imageW < w) {
            throw new IllegalArgumentException("Required crop size (" + h + ", " + w + ") is larger than input image size ("
                    + imageH + ", " + imageW + ")");
        }
        if (imageH == h && imageW == w) {
            return new CropParams(0, 0, h, w);
        }
        return new CropParams((int) gen.nextLong(imageH - h + 1), (int) gen.nextLong(imageW - w + 1), h, w);
    }

    /**
     * Up to ten tries of a box with area fraction uniform in {@code scale} and log-aspect-ratio
     * uniform in log({@code ratio}) that fits; otherwise the central box with the aspect ratio
     * clamped into {@code ratio}.
     */
    static CropParams randomResizedCrop(int imageH, int imageW, double[] scale, double[] ratio, Generator gen) {
        double area = (double) imageH * imageW;
        double logLo = Math.log(ratio[0]);
        double logHi = Math.log(ratio[1]);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * (scale[0] + (scale[1] - scale[0]) * gen.nextDouble());
            double aspect = Math.exp(logLo + (logHi - logLo) * gen.nextDouble());
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= imageW && 0 < h && h <= imageH) {
                int top = (int) gen.nextLong(imageH - h + 1);
                int left = (int) gen.nextLong(imageW - w + 1);
                return new CropParams(top, left, h, w);
            }
        }
        double inRatio = (double) imageW / imageH;
        int w;
        int h;
        if (inRatio < Math.min(ratio[0], ratio[1])) {
            w = imageW;
            h = (int) Math.rint(w / Math.min(ratio[0], ratio[1]));
        } else if (inRatio > Math.max(ratio[0], ratio[1])) {
            h = imageH;
            w = (int) Math.rint(h * Math.max(ratio[0], ratio[1]));
        } else {
            w = imageW;
            h = imageH;
        }
        return new CropParams((imageH - h) / 2, (imageW - w) / 2, h, w);
    }
}
