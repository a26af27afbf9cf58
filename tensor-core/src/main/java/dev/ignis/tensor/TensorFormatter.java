package dev.ignis.tensor;

import java.util.Locale;

/**
 * PyTorch's tensor repr: {@code tensor([[ 1.0000, -2.5000], ...])}, with aligned columns, the
 * integer style ({@code 1., 2.}) when every value is whole, scientific notation when magnitudes
 * span more than 1000x (or exceed 1e8 / go below 1e-4), summarisation with "..." past 1000
 * elements, and suffixes for dtype, requires_grad and grad_fn.
 */
final class TensorFormatter {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final int LINE_WIDTH = 80;

    private TensorFormatter() {
    }

    static String format(Tensor t) {
        Tensor c = t.detach();
        double[] values = c.toDoubleArray();
        int[] shape = c.shape();
        boolean summarize = values.length > THRESHOLD;
        java.util.List<Double> shown = new java.util.ArrayList<>();
        if (values.length > 0) {
            collect(values, shape, Shape.contiguousStrides(shape), 0, 0, summarize, shown);
        }
        ElementFormat fmt = new ElementFormat(t.dtype(), shown);
        StringBuilder sb = new StringBuilder("tensor(");
        if (values.length == 0) {
            sb.append("[]");
        } else {
            body(sb, values, shape, Shape.contiguousStrides(shape), 0, 0, fmt, "tensor(".length(), summarize);
        }
        StringBuilder suffix = new StringBuilder();
        if (values.length == 0 && shape.length != 1) {
            suffix.append(", size=(").append(join(shape)).append(")");
        }
        if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.INT64 && t.dtype() != DType.BOOL) {
            suffix.append(", dtype=").append(t.dtype().torchName());
        }
        if (!t.device().isCpu()) {
            suffix.append(", device='").append(t.device()).append("'");
        }
        if (t.gradFn() != null) {
            suffix.append(", grad_fn=<").append(t.gradFn().name()).append(">");
        } else if (t.requiresGrad()) {
            suffix.append(", requires_grad=True");
        }
        return sb.append(suffix).append(")").toString();
    }

    private static String join(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? "," : "").toString();
    }

    /** The elements that will be printed (all, or the edges of every dimension when summarizing). */
    private static void collect(double[] v, int[] shape, int[] strides, int dim, int base, boolean summarize,
                                java.util.List<Double> out) {
        if (shape.length == 0) {
            out.add(v[0]);
            return;
        }
        int size = shape[dim];
        for (int i = 0; i < size; i++) {
            if (summarize && size > 2 * EDGE && i == EDGE) {
                i = size - EDGE;
            }
            if (dim == shape.length - 1) {
                out.add(v[base + i * strides[dim]]);
            } else {
                collect(v, shape, strides, dim + 1, base + i * strides[dim], summarize, out);
            }
        }
    }

    private static void body(StringBuilder sb, double[] v, int[] shape, int[] strides, int dim, int base,
                             ElementFormat fmt, int indent, boolean summarize) {
        if (shape.length == 0) {
            sb.append(fmt.format(v[0]).trim());
            return;
        }
        int size = shape[dim];
        sb.append('[');
        if (dim == shape.length - 1) {
            // As PyTorch: the "..." of a summarized row counts as one element when wrapping lines.
            java.util.List<String> items = new java.util.ArrayList<>();
            for (int i = 0; i < size; i++) {
                if (summarize && size > 2 * EDGE && i == EDGE) {
                    items.add(" ...");
                    i = size - EDGE;
                }
                items.add(fmt.format(v[base + i * strides[dim]]));
            }
            int perLine = Math.max(1, (LINE_WIDTH - indent - dim) / (fmt.width + 2));
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    sb.append(i % perLine == 0 ? ",\n" + " ".repeat(indent + dim + 1) : ", ");
                }
                sb.append(items.get(i));
            }
        } else {
            String sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + dim + 1);
            for (int i = 0; i < size; i++) {
                if (summarize && size > 2 * EDGE && i == EDGE) {
                    sb.append(sep).append("...");
                    i = size - EDGE;
                }
                if (i > 0) {
                    sb.append(sep);
                }
                body(sb, v, shape, strides, dim + 1, base + i * strides[dim], fmt, indent, summarize);
            }
        }
        sb.append(']');
    }

    /** Chooses one style and width for all elements, as PyTorch's _Formatter does. */
    private static final class ElementFormat {
        private final DType dtype;
        private boolean intMode;
        private boolean sciMode;
        private int width;

        ElementFormat(DType dtype, java.util.List<Double> values) {
            this.dtype = dtype;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            boolean allWhole = true;
            boolean anyFinite = false;
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    continue;
                }
                anyFinite = true;
                double a = Math.abs(v);
                if (a != 0) {
                    maxAbs = Math.max(maxAbs, a);
                    minAbs = Math.min(minAbs, a);
                }
                allWhole &= v == Math.rint(v);
            }
            if (dtype.isFloatingPoint()) {
                intMode = allWhole;
                if (anyFinite && maxAbs > 0) {
                    double ratio = maxAbs / minAbs;
                    sciMode = ratio > 1000 || maxAbs > 1e8 || (!intMode && minAbs < 1e-4);
                }
            }
            width = 1;
            for (double v : values) {
                width = Math.max(width, raw(v).length());
            }
        }

        private String raw(double v) {
            if (dtype == DType.BOOL) {
                return v != 0 ? "True" : "False";
            }
            if (!dtype.isFloatingPoint()) {
                return Long.toString((long) v);
            }
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            if (sciMode) {
                return String.format(Locale.ROOT, "%.4e", v);
            }
            if (intMode) {
                return String.format(Locale.ROOT, "%.0f", v) + ".";
            }
            return String.format(Locale.ROOT, "%.4f", v);
        }

        String format(double v) {
            String s = raw(v);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }
}
