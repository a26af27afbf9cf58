package dev.ignis.backend.kernels;

import dev.ignis.backend.Backend;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.Storage;
import dev.ignis.backend.StorageScope;
import dev.ignis.backend.View;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Shape;

/**
 * Scratch buffers and small view helpers for the references composed from primitives. Every
 * scratch storage a reference makes comes from here, so that the reference's scope releases it.
 */
final class Temp {
    private Temp() {
    }

    /**
     * A new zero-filled contiguous view of {@code shape} on {@code like}'s device, owned by the
     * current {@link StorageScope}: the reference's own, which releases it when the reference returns.
     */
    static View zeros(Backend device, DType dtype, View like, int... shape) {
        Storage storage = device.allocate(dtype, Shape.numel(shape), like.device());
        StorageScope.adopt(storage);
        return View.contiguous(storage, shape);
    }

    /**
     * A contiguous view of {@code shape} on {@code like}'s device holding a copy of {@code array}
     * (a Java array of {@code dtype}), owned by the current scope as {@link #zeros}' views are.
     */
    static View upload(Backend device, Object array, DType dtype, View like, int... shape) {
        Storage storage = device.fromJavaArray(array, dtype, like.device());
        StorageScope.adopt(storage);
        return View.contiguous(storage, shape);
    }

    /** A contiguous copy of {@code v}. */
    static View contiguousCopy(Backend device, View v) {
        View copy = zeros(device, v.dtype(), v, v.shape());
        device.copy(v, copy);
        return copy;
    }

    /** A [rows] vector seen as [rows, n], each row's value repeated (stride 0). */
    static View perRow(View v, int n) {
        return new View(v.storage(), new int[] {v.size(0), n}, new int[] {v.stride(0), 0}, v.offset());
    }

    /** A contiguous 0-d view holding {@code value}. */
    static View scalar(Backend device, DType dtype, View like, double value) {
        View s = zeros(device, dtype, like);
        device.fill(s, value);
        return s;
    }

    /**
     * Per-channel sums of a contiguous {@code x} [N, C, S]: out[c] = Σ_{n, s} x[n, c, s], in the
     * order of {@link Backend#reduceRows} over each channel's N·S elements.
     */
    static void channelSums(Backend device, View x3, View out) {
        int n = x3.size(0);
        int c = x3.size(1);
        int s = x3.size(2);
        View rows = zeros(device, x3.dtype(), x3, c, n, s);
        device.copy(x3.permute(1, 0, 2), rows);
        device.reduceRows(ReduceOp.SUM, rows.reshape(c, n * s), out, null);
    }

    /**
     * {@code x} [N, C, H, W] (contiguous) with ph rows and pw columns of {@code fill} added on each
     * side; x itself where there is no padding.
     */
    static View padded(Backend device, View x, int ph, int pw, double fill) {
        if (ph == 0 && pw == 0) {
            return x;
        }
        int h = x.size(2);
        int w = x.size(3);
        View xp = zeros(device, x.dtype(), x, x.size(0), x.size(1), h + 2 * ph, w + 2 * pw);
        if (fill != 0) {
            device.fill(xp, fill);
        }
        int[] s = xp.strides();
        device.copy(x, new View(xp.storage(), x.shape(), s, xp.offset() + ph * s[2] + pw * s[3]));
        return xp;
    }

    /** A [C] vector seen at every position of an [N, C, S] tensor. */
    static View perChannel(View v, int n, int s) {
        return new View(v.storage(), new int[] {n, v.size(0), s}, new int[] {0, v.stride(0), 0}, v.offset());
    }

    /** {@code x} [N, C, *] seen as [N, C, S] (contiguous input). */
    static View asNcs(View x) {
        int s = 1;
        for (int d = 2; d < x.dim(); d++) {
            s *= x.size(d);
        }
        return x.reshape(x.size(0), x.size(1), s);
    }
}
