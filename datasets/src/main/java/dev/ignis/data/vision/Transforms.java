package dev.ignis.data.vision;

import dev.ignis.data.LoaderRandom;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * torchvision's transforms as {@link Function}s. {@link #toTensor()} turns an [H, W, C] 0..255
 * {@link Image} into a [C, H, W] float tensor in [0, 1]; every other transform works on such
 * tensors (torchvision applies Resize and the crops to PIL images before ToTensor; on tensors the
 * arithmetic is that of torchvision's tensor path). Random transforms draw from
 * {@link LoaderRandom#current()} — inside a DataLoader a generator seeded from the loader's, so
 * seeded runs are reproducible — unless given a generator.
 */
public final class Transforms {
    private Transforms() {
    }

    /** Applies {@code steps} in order (Compose); any Function is a transform, so Lambda is just a lambda. */
    @SafeVarargs
    public static <T> Function<T, T> compose(Function<T, T>... steps) {
        Function<T, T> all = Function.identity();
        for (Function<T, T> step : steps) {
            all = all.andThen(step);
        }
        return all;
    }

    /** torchvision's Lambda: the function itself, named for readability in a pipeline. */
    public static <T, R> Function<T, R> lambda(Function<T, R> fn) {
        return fn;
    }

    public static Function<Image, Tensor> toTensor() {
        return img -> img.pixels().permute(2, 0, 1).contiguous().div(255.0);
    }

    /** (x − mean[c]) / std[c] on a [C, H, W] tensor into a new tensor; a zero std is an error. */
    public static Function<Tensor, Tensor> normalize(double[] mean, double[] std) {
        return normalize(mean, std, false);
    }

    /**
     * torchvision's Normalize(mean, std, inplace): (x − mean[c]) / std[c] on a [C, H, W] tensor.
     * With {@code inplace} the input tensor is overwritten and returned (right after toTensor, whose
     * result nothing else holds, that saves a copy per image); otherwise the result is a new tensor.
     */
    public static Function<Tensor, Tensor> normalize(double[] mean, double[] std, boolean inplace) {
        for (double s : std) {
            if (s == 0) {
                throw new IllegalArgumentException("std evaluated to zero after conversion to float32, leading to division"
                        + " by zero.");
            }
        }
        float[] m = new float[mean.length];
        float[] s = new float[std.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) mean[i];
            s[i] = (float) std[i];
        }
        Tensor mt = Tensor.fromArray(m, m.length, 1, 1);
        Tensor st = Tensor.fromArray(s, s.length, 1, 1);
        // torchvision: clone unless inplace, then sub_ and div_; here the sub makes the one new tensor
        return inplace ? x -> x.sub_(mt).div_(st) : x -> x.sub(mt).div_(st);
    }

    /** Resize so the smaller edge is {@code size}, keeping the aspect ratio (torchvision's Resize(int)). */
    public static Function<Tensor, Tensor> resize(int size) {
        return resizeWithMaxSize(size, 0);
    }

    /** Resize(int, max_size): as {@link #resize(int)}, then the longer edge capped at {@code maxSize} (0: none). */
    public static Function<Tensor, Tensor> resizeWithMaxSize(int size, int maxSize) {
        Functional.smallerEdgeSize(2 * size, 2 * size, size, maxSize);   // checks maxSize > size up front
        return x -> {
            int[] hw = Functional.smallerEdgeSize(x.size(-2), x.size(-1), size, maxSize);
            return Functional.resize(x, hw[0], hw[1]);
        };
    }

    /** Resize((h, w)): bilinear to exactly h×w. */
    public static Function<Tensor, Tensor> resize(int h, int w) {
        return x -> Functional.resize(x, h, w);
    }

    /**
     * The centre h×w of [C, H, W]; top = round-half-even((H − h)/2) as torchvision; zero padding
     * when the image is smaller.
     */
    public static Function<Tensor, Tensor> centerCrop(int h, int w) {
        return x -> {
            int H = x.size(-2);
            int W = x.size(-1);
            if (H < h || W < w) {
                int padH = Math.max(0, h - H);
                int padW = Math.max(0, w - W);
                x = Functional.pad(x, padW / 2, padH / 2, (padW + 1) / 2, (padH + 1) / 2, 0);
                H = x.size(-2);
                W = x.size(-1);
            }
            int top = (int) Math.rint((H - h) / 2.0);
            int left = (int) Math.rint((W - w) / 2.0);
            return Functional.crop(x, top, left, h, w);
        };
    }

    /** RandomCrop(size) with no padding. */
    public static Function<Tensor, Tensor> randomCrop(int h, int w) {
        return randomCrop(h, w, new int[0], false, 0);
    }

    /**
     * torchvision's RandomCrop with constant padding: {@code padding} is {}, {all}, {left/right,
     * top/bottom} or {left, top, right, bottom}; with {@code padIfNeeded} an image smaller than
     * h×w is padded on both sides of the short dimension; then a uniformly placed h×w box.
     */
    public static Function<Tensor, Tensor> randomCrop(int h, int w, int[] padding, boolean padIfNeeded, double fill) {
        int[] ltrb = switch (padding.length) {
            case 0 -> new int[] {0, 0, 0, 0};
            case 1 -> new int[] {padding[0], padding[0], padding[0], padding[0]};
            case 2 -> new int[] {padding[0], padding[1], padding[0], padding[1]};
            case 4 -> padding.clone();
            default -> throw new IllegalArgumentException("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                    + padding.length + " element tuple");
        };
        return x -> {
            Tensor img = ltrb[0] + ltrb[1] + ltrb[2] + ltrb[3] > 0
                    ? Functional.pad(x, ltrb[0], ltrb[1], ltrb[2], ltrb[3], fill) : x;
            if (padIfNeeded && img.size(-1) < w) {
                int extra = w - img.size(-1);
                img = Functional.pad(img, extra, 0, extra, 0, fill);
            }
            if (padIfNeeded && img.size(-2) < h) {
                int extra = h - img.size(-2);
                img = Functional.pad(img, 0, extra, 0, extra, fill);
            }
            CropParams box = CropParams.randomCrop(img.size(-2), img.size(-1), h, w, LoaderRandom.current());
            return Functional.crop(img, box.top(), box.left(), box.height(), box.width());
        };
    }

    /** RandomResizedCrop(size) with torchvision's scale (0.08, 1) and ratio (3/4, 4/3). */
    public static Function<Tensor, Tensor> randomResizedCrop(int h, int w) {
        return randomResizedCrop(h, w, new double[] {0.08, 1.0}, new double[] {3.0 / 4, 4.0 / 3});
    }

    /** A random box of area fraction in {@code scale} and aspect ratio in {@code ratio}, resized to h×w. */
    public static Function<Tensor, Tensor> randomResizedCrop(int h, int w, double[] scale, double[] ratio) {
        if (scale[0] > scale[1] || ratio[0] > ratio[1]) {
            throw new IllegalArgumentException("Scale and ratio should be of kind (min, max)");
        }
        return x -> {
            CropParams box = CropParams.randomResizedCrop(x.size(-2), x.size(-1), scale, ratio, LoaderRandom.current());
            return Functional.resizedCrop(x, box.top(), box.left(), box.height(), box.width(), h, w);
        };
    }

    /** Grayscale(num_output_channels): luma of RGB, repeated to 1 or 3 channels. */
    public static Function<Tensor, Tensor> grayscale(int numOutputChannels) {
        if (numOutputChannels != 1 && numOutputChannels != 3) {
            throw new IllegalArgumentException("num_output_channels should be either 1 or 3");
        }
        return x -> Functional.rgbToGrayscale(x, numOutputChannels);
    }

    /** Flips [C, H, W] left-right with probability p. */
    public static Function<Tensor, Tensor> randomHorizontalFlip(double p) {
        return randomHorizontalFlip(p, LoaderRandom::current);
    }

    /** {@link #randomHorizontalFlip(double)} drawing from {@code gen}. */
    public static Function<Tensor, Tensor> randomHorizontalFlip(double p, Generator gen) {
        return randomHorizontalFlip(p, () -> gen);
    }

    private static Function<Tensor, Tensor> randomHorizontalFlip(double p, Supplier<Generator> gen) {
        return x -> gen.get().nextDouble() < p ? Functional.hflip(x) : x;
    }
}
