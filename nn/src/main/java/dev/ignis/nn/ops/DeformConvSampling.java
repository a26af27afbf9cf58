package dev.ignis.nn.ops;

/**
 * Bilinear sampling of one channel plane at a fractional point, as torchvision's deform_conv2d
 * kernels do: zero outside the image, and corner pixels outside the image count as zero.
 */
final class DeformConvSampling {
    private DeformConvSampling() {
    }

    /** The plane at (y, x): 0 when y ≤ −1, y ≥ H, x ≤ −1 or x ≥ W; otherwise bilinear over the valid corners. */
    static double bilinear(double[] plane, int base, int height, int width, double y, double x) {
        if (y <= -1 || height <= y || x <= -1 || width <= x) {
            return 0;
        }
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double ly = y - y0;
        double lx = x - x0;
        return (1 - ly) * (1 - lx) * at(plane, base, height, width, y0, x0)
                + (1 - ly) * lx * at(plane, base, height, width, y0, x0 + 1)
                + ly * (1 - lx) * at(plane, base, height, width, y0 + 1, x0)
                + ly * lx * at(plane, base, height, width, y0 + 1, x0 + 1);
    }

    /**
     * ∂(bilinear)/∂y ({@code yDirection}) or ∂/∂x, torchvision's {@code get_coordinate_weight}:
     * the corner differences weighted by the other coordinate's fraction (no early exit outside).
     */
    static double coordinateWeight(double[] plane, int base, int height, int width, double y, double x,
                                   boolean yDirection) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double vyx = at(plane, base, height, width, y0, x0);
        double vyX = at(plane, base, height, width, y0, x0 + 1);
        double vYx = at(plane, base, height, width, y0 + 1, x0);
        double vYX = at(plane, base, height, width, y0 + 1, x0 + 1);
        if (yDirection) {
            double dx = x - x0;
            return dx * (vYX - vyX) + (1 - dx) * (vYx - vyx);
        }
        double dy = y - y0;
        return dy * (vYX - vYx) + (1 - dy) * (vyX - vyx);
    }

    /** Adds {@code value} spread over the corners of (y, x) with bilinear weights into a gradient plane. */
    static void scatter(double[] grad, int base, int height, int width, double y, double x, double value) {
        if (y <= -1 || height <= y || x <= -1 || width <= x) {
            return;
        }
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double ly = y - y0;
        double lx = x - x0;
        add(grad, base, height, width, y0, x0, (1 - ly) * (1 - lx) * value);
        add(grad, base, height, width, y0, x0 + 1, (1 - ly) * lx * value);
        add(grad, base, height, width, y0 + 1, x0, ly * (1 - lx) * value);
        add(grad, base, height, width, y0 + 1, x0 + 1, ly * lx * value);
    }

    private static double at(double[] plane, int base, int height, int width, int y, int x) {
        return y >= 0 && y < height && x >= 0 && x < width ? plane[base + y * width + x] : 0;
    }

    private static void add(double[] grad, int base, int height, int width, int y, int x, double v) {
        if (y >= 0 && y < height && x >= 0 && x < width) {
            grad[base + y * width + x] += v;
        }
    }
}
