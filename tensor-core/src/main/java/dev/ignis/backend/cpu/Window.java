package dev.ignis.backend.cpu;

/**
 * A window geometry as the backend's window kernels receive it, {kh, kw, sh, sw, ph, pw, dh, dw}
 * (kernel size, stride, padding and dilation per spatial dim), with names.
 */
public record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {

    public static Window of(int[] g) {
        return new Window(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
    }
}
