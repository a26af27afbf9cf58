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
}
