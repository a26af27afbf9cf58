package dev.ignis.nn;

/** Formats layer arguments the way PyTorch's reprs print Python values. */
final class Repr {
    private Repr() {
    }

    static String bool(boolean v) {
        return v ? "True" : "False";
    }

    /** (3, 3) for a pair, as PyTorch prints tuples. */
    static String pair(int[] v) {
        return v.length == 1 ? "(" + v[0] + ",)" : "(" + v[0] + ", " + v[1] + ")";
    }

    /**
     * torch.nn.Conv2d's extra_repr: "in, out, kernel_size=(kh, kw), stride=(sh, sw)" then padding,
     * dilation, groups and bias only where they differ from the defaults.
     */
    static String conv2d(int in, int out, int[] kernel, int[] stride, String padding, int[] dilation, int groups,
                         boolean bias) {
        StringBuilder sb = new StringBuilder(in + ", " + out + ", kernel_size=" + pair(kernel) + ", stride=" + pair(stride));
        if (padding != null) {
            sb.append(", padding=").append(padding);
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            sb.append(", dilation=").append(pair(dilation));
        }
        if (groups != 1) {
            sb.append(", groups=").append(groups);
        }
        if (!bias) {
            sb.append(", bias=False");
        }
        return sb.toString();
    }

    /** The padding shown by a conv repr: null (omitted) for zero padding. */
    static String padding(int[] padding) {
        return padding[0] != 0 || padding[1] != 0 ? pair(padding) : null;
    }
}
