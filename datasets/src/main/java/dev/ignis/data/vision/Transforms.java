package dev.ignis.data.vision;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.function.Function;

/**
 * The basic torchvision transforms. {@link #toTensor()} turns an [H, W, C] 0..255 image into a
 * [C, H, W] float tensor in [0, 1]; {@link #normalize} then applies (x − mean)/std per channel.
 */
public final class Transforms {
    private Transforms() {
    }

    public static Function<Image, Tensor> toTensor() {
        return img -> img.pixels().permute(2, 0, 1).contiguous().div(255.0);
    }

    /** (x − mean[c]) / std[c] on a [C, H, W] tensor; a zero std is an error. */
    public static Function<Tensor, Tensor> normalize(double[] mean, double[] std) {
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
        return x -> x.sub(mt).div(st);
    }

    /** Flips [C, H, W] left-right with probability p, drawing from {@code gen}. */
    public static Function<Tensor, Tensor> randomHorizontalFlip(double p, Generator gen) {
        return x -> {
            if (gen.nextDouble() >= p) {
                return x;
            }
            int w = x.size(-1);
            return x.indexSelect(x.dim() - 1, Tensor.arange(w - 1, -1, -1)).contiguous();
        };
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
                Tensor padded = Tensor.zeros(x.dtype(), x.device(), x.size(0), H + padH, W + padW);
                padded.narrow(1, padH / 2, H).narrow(2, padW / 2, W).copy_(x);
                x = padded;
                H = x.size(-2);
                W = x.size(-1);
            }
            int top = (int) Math.rint((H - h) / 2.0);
            int left = (int) Math.rint((W - w) / 2.0);
            return x.narrow(-2, top, h).narrow(-1, left, w).contiguous();
        };
    }
}
