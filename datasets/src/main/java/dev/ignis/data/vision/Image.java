package dev.ignis.data.vision;

import dev.ignis.tensor.Tensor;

/**
 * A decoded image: {@code pixels} is a float32 tensor [H, W, C] of raw 0..255 values (C = 1 for
 * grayscale, 3 for RGB), the layout torchvision's ToTensor starts from.
 */
public record Image(Tensor pixels) {
    public int height() {
        return pixels.size(0);
    }

    public int width() {
        return pixels.size(1);
    }

    public int channels() {
        return pixels.size(2);
    }
}
