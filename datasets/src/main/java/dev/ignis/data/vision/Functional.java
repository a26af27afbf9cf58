package dev.ignis.data.vision;

import dev.ignis.tensor.Tensor;

/**
 * The deterministic image operations behind {@link Transforms}, on float tensors [C, H, W]
 * (torchvision.transforms.functional on tensors). Each returns a new tensor; none mutates its input.
 */
public final class Functional {
    private Functional() {
    }

    /** Bilinear resize to h×w (align_corners=False, no antialiasing: torchvision 0.14's tensor default). */
    public static Tensor resize(Tensor img, int h, int w) {
        checkImage("resize", img);
        return Bilinear.resize(img, h, w);
    }

    /**
     * torchvision's size rule for a single int: the smaller edge becomes {@code size}, the longer
     * keeps the aspect ratio (truncated), then is capped at {@code maxSize} (if positive) by
     * scaling both.
     *
     * @return {height, width}
     */
    public static int[] smallerEdgeSize(int h, int w, int size, int maxSize) {
        int shortSide = Math.min(h, w);
        int longSide = Math.max(h, w);
        int newShort = size;
        int newLong = (int) ((long) size * longSide / shortSide);
        if (maxSize > 0) {
            if (maxSize <= size) {
                throw new IllegalArgumentException("max_size = " + maxSize + " must be strictly greater than the requested"
                        + " size for the smaller edge size = " + size);
            }
            if (newLong > maxSize) {
                newShort = (int) ((long) maxSize * newShort / newLong);
                newLong = maxSize;
            }
        }
        return w <= h ? new int[] {newLong, newShort} : new int[] {newShort, newLong};
    }

    /** The h×w box at (top, left); parts outside the image are zero, as torchvision's crop pads. */
    public static Tensor crop(Tensor img, int top, int left, int h, int w) {
        checkImage("crop", img);
        int imgH = img.size(-2);
        int imgW = img.size(-1);
        if (top < 0 || left < 0 || top + h > imgH || left + w > imgW) {
            int padLeft = Math.max(-left, 0);
            int padTop = Math.max(-top, 0);
            int padRight = Math.max(left + w - imgW, 0);
            int padBottom = Math.max(top + h - imgH, 0);
            return crop(pad(img, padLeft, padTop, padRight, padBottom, 0), top + padTop, left + padLeft, h, w);
        }
        return img.narrow(-2, top, h).narrow(-1, left, w).contiguous();
    }

    /** Constant padding by the given number of pixels on each side. */
    public static Tensor pad(Tensor img, int left, int top, int right, int bottom, double fill) {
        checkImage("pad", img);
        if (left < 0 || top < 0 || right < 0 || bottom < 0) {
            throw new IllegalArgumentException("pad: padding must be non-negative, got left=" + left + " top=" + top
                    + " right=" + right + " bottom=" + bottom);
        }
        int c = img.size(0);
        int h = img.size(1);
        int w = img.size(2);
        Tensor out = Tensor.full(fill, img.dtype(), img.device(), c, h + top + bottom, w + left + right);
        out.narrow(1, top, h).narrow(2, left, w).copy_(img);
        return out;
    }

    /** crop then resize to outH×outW (torchvision's resized_crop). */
    public static Tensor resizedCrop(Tensor img, int top, int left, int h, int w, int outH, int outW) {
        return resize(crop(img, top, left, h, w), outH, outW);
    }

    /** Left-right mirror. */
    public static Tensor hflip(Tensor img) {
        int w = img.size(-1);
        return img.indexSelect(img.dim() - 1, Tensor.arange(w - 1, -1, -1)).contiguous();
    }

    /**
     * ITU-R 601 luma 0.2989·R + 0.587·G + 0.114·B of a 3-channel image (a 1-channel image is
     * copied), repeated to {@code numOutputChannels} (1 or 3) channels.
     */
    public static Tensor rgbToGrayscale(Tensor img, int numOutputChannels) {
        checkImage("rgb_to_grayscale", img);
        if (numOutputChannels != 1 && numOutputChannels != 3) {
            throw new IllegalArgumentException("num_output_channels should be either 1 or 3");
        }
        int c = img.size(0);
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("Input image tensor permitted channel values are [1, 3], but found " + c);
        }
        Tensor luma = c == 1 ? img.contiguous()
                : img.narrow(0, 0, 1).mul(0.2989).add(img.narrow(0, 1, 1).mul(0.587)).add(img.narrow(0, 2, 1).mul(0.114));
        return numOutputChannels == 3 ? luma.expand(3, img.size(1), img.size(2)).contiguous() : luma;
    }

    private static void checkImage(String op, Tensor img) {
        if (img.dim() != 3) {
            throw new IllegalArgumentException(op + ": expected an image tensor [C, H, W], got shape "
                    + java.util.Arrays.toString(img.shape()));
        }
    }
}
