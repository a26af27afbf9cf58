package dev.ignis.backend.opencl;

import com.aparapi.Kernel;

/**
 * Every primitive of the backend SPI as one Aparapi kernel over four device arenas (float32,
 * float64, int64 and bool as bytes). Aparapi keeps a device buffer per Java array per kernel
 * object, so one kernel object holding every tensor's memory is what lets tensors stay on the
 * device across ops: a storage is a range of an arena, and only the small staging arrays and the
 * per-dispatch geometry travel between host and device ({@link OpenClDevice} does the puts and
 * gets, explicitly).
 *
 * <p>The semantics are the cuda kernels' (ignis_kernels.cu), written in the subset of Java that
 * Aparapi turns into OpenCL C: values are computed in double and rounded to the output's dtype,
 * int64 arithmetic stays integral. Dtype codes: BOOL 0, INT64 1, FLOAT32 2, FLOAT64 3; unary and
 * binary op codes are the ordinals of {@code UnaryOp} and {@code BinaryOp}.
 *
 * <p>Geometry ({@link #g}): up to four strided operands over one index space of up to 8
 * dimensions: {@code g[0]} dimensions, {@code g[1]} elements, {@code g[2..9]} the shape,
 * {@code g[10 + 8k + d]} operand k's stride along d, {@code g[42 + k]} its absolute arena index
 * of element 0, {@code g[46 + k]} its dtype.
 */
class ArenaKernel extends Kernel {
    static final int FILL = 0;
    static final int COPY = 1;
    static final int UNARY = 2;
    static final int BINARY = 3;
    static final int WHERE = 4;
    static final int AXPBY = 5;
    static final int REDUCE = 6;
    static final int BMM = 7;
    static final int GATHER = 8;
    static final int SCATTER_ADD = 9;
    static final int INDEX_SELECT = 10;
    static final int INDEX_ADD = 11;
    static final int RANDOM = 12;
    static final int STAGE_IN = 13;
    static final int STAGE_OUT = 14;
    static final int BMM_TILED = 15;
    /** BMM_TILED's tile edge: work groups of TILE² items, one output each. */
    static final int TILE = 16;

    static final int GEO = 50;
    static final int SHAPE = 2;
    static final int STRIDE = 10;
    static final int OFFSET = 42;
    static final int DTYPE = 46;

    // the arenas: every storage of the device is a range of one of them
    byte[] b;
    long[] l;
    float[] f;
    double[] d;
    // host <-> device staging, one per dtype (replaced by larger ones as needed)
    byte[] sb = new byte[1];
    long[] sl = new long[1];
    float[] sf = new float[1];
    double[] sd = new double[1];
    int[] g = new int[GEO];
    // BMM_TILED's tiles of a and b, in each work group's local memory
    @Local
    float[] tileA = new float[TILE * TILE];
    @Local
    float[] tileB = new float[TILE * TILE];

    int op;
    int code;
    int n;
    double p;
    double q;
    long seed;
    int dim;
    int rowLength;
    int mm;
    int nn;
    int kk;

    ArenaKernel(int bytes, int longs, int floats, int doubles) {
        b = new byte[bytes];
        l = new long[longs];
        f = new float[floats];
        d = new double[doubles];
    }

    @Override
    public void run() {
        // independent ifs, not an else-if chain, and loops only inside methods: forms Aparapi's
        // bytecode folding takes apart reliably
        int e = getGlobalId();
        if (e < n) {
            dispatchElement(e);
        }
    }

    private void dispatchElement(int e) {
        if (op == FILL) {
            store(g[DTYPE], at(0, e), p);
        }
        if (op == COPY) {
            copyElement(e);
        }
        if (op == UNARY) {
            store(g[DTYPE + 1], at(1, e), unaryOp(code, load(g[DTYPE], at(0, e)), p, q));
        }
        if (op == BINARY) {
            binaryElement(e);
        }
        if (op == WHERE) {
            whereElement(e);
        }
        if (op == AXPBY) {
            axpbyElement(e);
        }
        if (op == REDUCE) {
            reduceRow(e);
        }
        if (op == BMM) {
            bmmElement(e);
        }
        if (op == GATHER) {
            gatherElement(e);
        }
        if (op == SCATTER_ADD) {
            scatterSlice(e);
        }
        if (op == INDEX_SELECT) {
            store(g[DTYPE], denseIndex(e), load(g[DTYPE + 1], selectedIndex(e)));
        }
        if (op == INDEX_ADD) {
            indexAddSlice(e);
        }
        if (op == RANDOM) {
            randomElement(e);
        }
        if (op == STAGE_IN) {
            stageIn(e);
        }
        if (op == STAGE_OUT) {
            stageOut(e);
        }
        if (op == BMM_TILED) {
            bmmTiled();
        }
    }

    private void gatherElement(int e) {
        int idx = (int) l[at(0, e)];
        store(g[DTYPE + 1], at(1, e), load(g[DTYPE + 2], indexedAt(e, idx)));
    }

    /** The product of the shape's sizes after {@link #dim}. */
    private int innerSize() {
        int inner = 1;
        for (int dd = dim + 1; dd < g[0]; dd++) {
            inner *= g[SHAPE + dd];
        }
        return inner;
    }

    /**
     * Element c of slice e along {@link #dim}: slice e fixes every other coordinate (e = outer ·
     * inner + in), so two slices never add into the same target and each slice adds in order of c,
     * as the CPU's loop does: one work item per slice, no atomics.
     */
    private int sliceElement(int e, int inner, int c) {
        int outer = e / inner;
        int in = e % inner;
        return (outer * g[SHAPE + dim] + c) * inner + in;
    }

    private void scatterSlice(int e) {
        int inner = innerSize();
        for (int c = 0; c < g[SHAPE + dim]; c++) {
            int i = sliceElement(e, inner, c);
            int idx = (int) l[at(0, i)];
            int o = indexedAt(i, idx);
            store(g[DTYPE + 2], o, addInto(g[DTYPE + 2], o, load(g[DTYPE + 1], at(1, i))));
        }
    }

    private void indexAddSlice(int e) {
        int inner = innerSize();
        for (int c = 0; c < g[SHAPE + dim]; c++) {
            int i = sliceElement(e, inner, c);
            int o = selectedIndex(i);
            store(g[DTYPE + 1], o, addInto(g[DTYPE + 1], o, load(g[DTYPE], denseIndex(i))));
        }
    }

    // ------------------------------------------------------------------ loads, stores, geometry

    private double load(int t, int i) {
        if (t == 0) {
            return b[i] != 0 ? 1.0 : 0.0;
        }
        if (t == 1) {
            return (double) l[i];
        }
        if (t == 2) {
            return (double) f[i];
        }
        return d[i];
    }

    private void store(int t, int i, double v) {
        if (t == 0) {
            b[i] = v != 0.0 ? (byte) 1 : (byte) 0;
        } else if (t == 1) {
            l[i] = v != v ? 0L : (long) v;
        } else if (t == 2) {
            f[i] = (float) v;
        } else {
            d[i] = v;
        }
    }

    /** The sum of the value at {@code i} and {@code v}, exact for int64; bool as logical or. */
    private double addInto(int t, int i, double v) {
        double r = load(t, i) + v;
        if (t == 0) {
            r = 0.0;
            if (b[i] != 0) {
                r = 1.0;
            }
            if (v != 0.0) {
                r = 1.0;
            }
        }
        return r;
    }

    /** The arena index of element {@code e} (row-major over the shape) of operand {@code k}. */
    private int at(int k, int e) {
        int o = g[OFFSET + k];
        int rest = e;
        for (int dd = g[0] - 1; dd >= 0; dd--) {
            int s = g[SHAPE + dd];
            int c = rest % s;
            rest = rest / s;
            o += c * g[STRIDE + 8 * k + dd];
        }
        return o;
    }

    /** Operand 2's index for element e with its coordinate along {@link #dim} replaced by {@code idx}. */
    private int indexedAt(int e, int idx) {
        int o = g[OFFSET + 2];
        int rest = e;
        for (int dd = g[0] - 1; dd >= 0; dd--) {
            int s = g[SHAPE + dd];
            int c = rest % s;
            rest = rest / s;
            o += (dd == dim ? idx : c) * g[STRIDE + 16 + dd];
        }
        return o;
    }

    /** index_select/index_add: operand 0 (dense) at element e of its shape. */
    private int denseIndex(int e) {
        return at(0, e);
    }

    /** index_select/index_add: operand 1 (indexed) for element e of the dense shape, dim mapped through sl. */
    private int selectedIndex(int e) {
        int o = g[OFFSET + 1];
        int rest = e;
        for (int dd = g[0] - 1; dd >= 0; dd--) {
            int s = g[SHAPE + dd];
            int c = rest % s;
            rest = rest / s;
            o += (dd == dim ? (int) sl[c] : c) * g[STRIDE + 8 + dd];
        }
        return o;
    }

    // ------------------------------------------------------------------ element kernels

    private void copyElement(int e) {
        int o = at(1, e);
        if (g[DTYPE] + g[DTYPE + 1] * 4 == 5) {   // int64 to int64, exactly
            l[o] = l[at(0, e)];
        } else {
            store(g[DTYPE + 1], o, load(g[DTYPE], at(0, e)));
        }
    }

    private void binaryElement(int e) {
        int o = at(2, e);
        int integral = 0;
        if (g[DTYPE] + 4 * g[DTYPE + 1] + 16 * g[DTYPE + 2] == 21) {   // all int64
            integral = 1;
        }
        if (code == 3) {
            integral = 0;
        }
        if (code == 4) {
            integral = 0;
        }
        if (integral == 1) {
            l[o] = binaryLong(code, l[at(0, e)], l[at(1, e)]);
        } else {
            store(g[DTYPE + 2], o, binaryOp(code, load(g[DTYPE], at(0, e)), load(g[DTYPE + 1], at(1, e))));
        }
    }

    private void whereElement(int e) {
        double take = load(g[DTYPE], at(0, e));
        int source = 2;
        if (take != 0.0) {
            source = 1;
        }
        int o = at(3, e);
        if (g[DTYPE + 1] + 4 * g[DTYPE + 2] + 16 * g[DTYPE + 3] == 21) {   // all int64
            l[o] = l[at(source, e)];
        } else {
            store(g[DTYPE + 3], o, load(g[DTYPE + source], at(source, e)));
        }
    }

    /** y = beta·y + alpha·x (alpha in p, beta in q); float32 with one rounding, as the CPU's fma loops. */
    private void axpbyElement(int e) {
        int oy = at(1, e);
        if (g[DTYPE] + 4 * g[DTYPE + 1] == 10) {   // both float32
            f[oy] = fma((float) p, f[at(0, e)], f[oy] * (float) q);
        } else {
            store(g[DTYPE + 1], oy, q * load(g[DTYPE + 1], oy) + p * load(g[DTYPE], at(0, e)));
        }
    }

    /**
     * Row e of a contiguous [rows, rowLength] operand 0 (at g[OFFSET]) into operand 1 (at
     * g[OFFSET + 1] + e); code 0 SUM, 1 MAX, 2 MIN (the first NaN wins), the arg position into the
     * int64 operand 2 when g[DTYPE + 2] is 1.
     */
    private void reduceRow(int e) {
        if (code == 0) {
            sumRow(e);
        }
        if (code != 0) {
            extremeRow(e);
        }
    }

    private void sumRow(int e) {
        int start = g[OFFSET] + e * rowLength;
        int xt = g[DTYPE];
        int ot = g[DTYPE + 1];
        int out = g[OFFSET + 1] + e;
        if (xt + 4 * ot == 5) {   // int64 into int64, exactly
            long acc = 0;
            for (int j = 0; j < rowLength; j++) {
                acc += l[start + j];
            }
            l[out] = acc;
        }
        if (xt + 4 * ot != 5) {
            double acc = 0.0;
            for (int j = 0; j < rowLength; j++) {
                acc += load(xt, start + j);
            }
            store(ot, out, acc);
        }
    }

    /** MAX (code 1) or MIN (code 2) of row e: the first NaN wins, else the first extreme. */
    private void extremeRow(int e) {
        int start = g[OFFSET] + e * rowLength;
        int xt = g[DTYPE];
        double sign = code == 1 ? 1.0 : -1.0;
        int best = 0;
        double value = load(xt, start);
        for (int j = 1; j < rowLength; j++) {
            double v = load(xt, start + j);
            int better = 0;
            if (v != v) {
                better = 1;
            }
            if (sign * v > sign * value) {
                better = 1;
            }
            if (value != value) {
                better = 0;
            }
            if (better == 1) {
                best = j;
                value = v;
            }
        }
        store(g[DTYPE + 1], g[OFFSET + 1] + e, value);
        if (g[DTYPE + 2] == 1) {
            l[g[OFFSET + 2] + e] = best;
        }
    }

    /** out[b] = a[b]·c[b] for output element e: a [B, M, K], c [B, K, N] by (batch, row, col) strides; out contiguous. */
    private void bmmElement(int e) {
        int j = e % nn;
        int i = (e / nn) % mm;
        int batch = e / (mm * nn);
        int ao = g[OFFSET] + batch * g[STRIDE] + i * g[STRIDE + 1];
        int co = g[OFFSET + 1] + batch * g[STRIDE + 8] + j * g[STRIDE + 8 + 2];
        int as = g[STRIDE + 2];
        int cs = g[STRIDE + 8 + 1];
        if (g[DTYPE] + 4 * g[DTYPE + 1] + 16 * g[DTYPE + 2] == 42) {   // all float32
            float acc = 0f;
            for (int k = 0; k < kk; k++) {
                acc = fma(f[ao + k * as], f[co + k * cs], acc);
            }
            f[g[OFFSET + 2] + e] = acc;
        } else {
            double acc = 0.0;
            for (int k = 0; k < kk; k++) {
                acc += load(g[DTYPE], ao + k * as) * load(g[DTYPE + 1], co + k * cs);
            }
            store(g[DTYPE + 2], g[OFFSET + 2] + e, acc);
        }
    }

    /**
     * float32 out[b] = a[b]·c[b] in TILE×TILE tiles through local memory: work group (batch, tile
     * row, tile column), item (ty, tx) one output. Every item reaches both barriers (the dispatch
     * covers whole groups; bounds are checked per load and store). The products are accumulated
     * with fma in increasing k, as {@link #bmmElement}'s float32 loop, so both give the same bits.
     */
    private void bmmTiled() {
        int item = getLocalId();
        int tx = item % TILE;
        int ty = item / TILE;
        int tilesN = (nn + TILE - 1) / TILE;
        int tilesM = (mm + TILE - 1) / TILE;
        int group = getGroupId();
        int batch = group / (tilesM * tilesN);
        int rest = group % (tilesM * tilesN);
        int i = (rest / tilesN) * TILE + ty;
        int j = (rest % tilesN) * TILE + tx;
        int aBase = g[OFFSET] + batch * g[STRIDE];
        int bBase = g[OFFSET + 1] + batch * g[STRIDE + 8];
        float acc = 0f;
        for (int k0 = 0; k0 < kk; k0 += TILE) {
            float va = 0f;
            if (i < mm) {
                if (k0 + tx < kk) {
                    va = f[aBase + i * g[STRIDE + 1] + (k0 + tx) * g[STRIDE + 2]];
                }
            }
            float vb = 0f;
            if (j < nn) {
                if (k0 + ty < kk) {
                    vb = f[bBase + (k0 + ty) * g[STRIDE + 8 + 1] + j * g[STRIDE + 8 + 2]];
                }
            }
            tileA[ty * TILE + tx] = va;
            tileB[ty * TILE + tx] = vb;
            localBarrier();
            int steps = min(TILE, kk - k0);
            for (int k = 0; k < steps; k++) {
                acc = fma(tileA[ty * TILE + k], tileB[k * TILE + tx], acc);
            }
            localBarrier();
        }
        if (i < mm) {
            if (j < nn) {
                f[g[OFFSET + 2] + (batch * mm + i) * nn + j] = acc;
            }
        }
    }

    /** CounterRandom: SplitMix64's output function of seed + (i + 1)·golden gamma, top 53 bits over 2^53. */
    private double uniform(long i) {
        long z = seed + (i + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (double) (z >>> 11) * 1.1102230246251565E-16;
    }

    private void randomElement(int e) {
        double v = 0.0;
        if (code == 1) {
            double u1 = uniform(2L * e);
            double u2 = uniform(2L * e + 1L);
            v = sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * 3.141592653589793 * u2);
        } else {
            v = uniform((long) e);
        }
        store(g[DTYPE], at(0, e), v);
    }

    /** staging (dtype g[DTYPE], element e) into the arena at g[OFFSET] + e. */
    private void stageIn(int e) {
        int t = g[DTYPE];
        int o = g[OFFSET] + e;
        if (t == 0) {
            b[o] = sb[e];
        } else if (t == 1) {
            l[o] = sl[e];
        } else if (t == 2) {
            f[o] = sf[e];
        } else {
            d[o] = sd[e];
        }
    }

    /** Element e of a strided operand 0 into staging element e (the view read in row-major order). */
    private void stageOut(int e) {
        int t = g[DTYPE];
        int o = at(0, e);
        if (t == 0) {
            sb[e] = b[o];
        } else if (t == 1) {
            sl[e] = l[o];
        } else if (t == 2) {
            sf[e] = f[o];
        } else {
            sd[e] = d[o];
        }
    }

    // ------------------------------------------------------------------ the ops

    private double erf(double x) {
        if (x != x) {
            return x;
        }
        if (abs(x) >= 6.0) {
            double one = 1.0;
            if (x < 0) {
                one = -1.0;
            }
            return one;
        }
        double twoX2 = 2.0 * x * x;
        double term = x;
        double sum = x;
        // no early exit (a loop Aparapi translates plainly): the terms fall below 1e-17 of the sum
        // within 2x² + 60 of them for |x| < 6
        int terms = (int) twoX2 + 60;
        for (int i = 1; i < terms; i++) {
            term = term * twoX2 / (2 * i + 1);
            sum += term;
        }
        return 2.0 / sqrt(3.141592653589793) * exp(-x * x) * sum;
    }

    private double unaryOp(int c, double x, double a, double z) {
        double k = 0.7978845608028654;   // sqrt(2/pi)
        double r = x;
        if (c == 0) {
            r = -x;
        }
        if (c == 1) {
            r = abs(x);
        }
        if (c == 2) {
            if (x > 0) {
                r = 1.0;
            }
            if (x < 0) {
                r = -1.0;
            }
        }
        if (c == 3) {
            r = exp(x);
        }
        if (c == 4) {
            r = log(x);
        }
        if (c == 5) {
            r = sqrt(x);
        }
        if (c == 6) {
            r = 1.0 / sqrt(x);
        }
        if (c == 7) {
            r = pow(x, a);
        }
        if (c == 8) {
            r = x * a;
        }
        if (c == 9) {
            if (x == x) {
                double y = x;
                if (a == a) {
                    if (a > x) {
                        y = a;
                    }
                }
                if (z == z) {
                    if (z < y) {
                        y = z;
                    }
                }
                r = y;
            }
        }
        if (c == 10) {
            if (x <= 0) {
                r = 0.0;   // NaN stays: it is not <= 0
            }
        }
        if (c == 11) {
            if (x <= 0) {
                r = a * x;
            }
        }
        if (c == 12) {
            r = 1.0 / (1.0 + exp(-x));
        }
        if (c == 13) {
            r = tanh(x);
        }
        if (c == 14) {
            r = 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
        }
        if (c == 15) {
            r = 0.5 * (1.0 + erf(x / sqrt(2.0))) + x * exp(-0.5 * x * x) / sqrt(2.0 * 3.141592653589793);
        }
        if (c == 16) {
            r = 0.5 * x * (1.0 + tanh(k * (x + 0.044715 * x * x * x)));
        }
        if (c == 17) {
            double t = tanh(k * (x + 0.044715 * x * x * x));
            r = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * x * x);
        }
        if (c == 18) {
            r = x / (1.0 + exp(-x));
        }
        if (c == 19) {
            double s = 1.0 / (1.0 + exp(-x));
            r = s * (1.0 + x * (1.0 - s));
        }
        if (c == 20) {
            if (a * x <= z) {
                r = log1p(exp(a * x)) / a;
            }
        }
        if (c == 21) {
            r = 1.0;
            if (a * x <= z) {
                r = 1.0 / (1.0 + exp(-a * x));
            }
        }
        if (c == 22) {
            if (x <= 0) {
                r = a * expm1(x);
            }
        }
        if (c == 23) {
            r = 1.0;
            if (x <= 0) {
                r = a * exp(x);
            }
        }
        if (c == 21) {
            r = x != x ? x : r;   // a NaN stays NaN, as the CPU's formula gives it
        }
        if (c == 23) {
            r = x != x ? x : r;
        }
        if (c == 24) {
            r = 0.0;
            if (x == 0.0) {
                r = 1.0;
            }
        }
        return r;
    }

    /** 1 for a nonzero value (NaN included), else 0. */
    private double truth(double v) {
        return v != 0.0 ? 1.0 : 0.0;
    }

    private long truthLong(long v) {
        return v != 0L ? 1L : 0L;
    }

    private double binaryOp(int c, double a, double z) {
        double nan = 0.0 / 0.0;
        double r = 0.0;
        if (c == 0) {
            r = a + z;
        } else if (c == 1) {
            r = a - z;
        } else if (c == 2) {
            r = a * z;
        } else if (c == 3) {
            r = a / z;
        } else if (c == 4) {
            r = pow(a, z);
        } else if (c == 5) {
            r = a > z ? a : z;
            r = a != a ? nan : r;
            r = z != z ? nan : r;
        } else if (c == 6) {
            r = a < z ? a : z;
            r = a != a ? nan : r;
            r = z != z ? nan : r;
        } else if (c == 7) {
            r = z <= 0 ? 0.0 : a;
        } else if (c == 8) {
            r = a == z ? 1.0 : 0.0;
        } else if (c == 9) {
            r = a != z ? 1.0 : 0.0;
        } else if (c == 10) {
            r = a < z ? 1.0 : 0.0;
        } else if (c == 11) {
            r = a <= z ? 1.0 : 0.0;
        } else if (c == 12) {
            r = a > z ? 1.0 : 0.0;
        } else if (c == 13) {
            r = a >= z ? 1.0 : 0.0;
        } else if (c == 14) {
            r = truth(a) * truth(z);
        } else if (c == 15) {
            r = max(truth(a), truth(z));
        } else {
            r = abs(truth(a) - truth(z));
        }
        return r;
    }

    /** int64 op int64, exactly, for every op but DIV and POW (which go through double). */
    private long binaryLong(int c, long a, long z) {
        long r = 0L;
        if (c == 0) {
            r = a + z;
        } else if (c == 1) {
            r = a - z;
        } else if (c == 2) {
            r = a * z;
        } else if (c == 5) {
            r = a > z ? a : z;
        } else if (c == 6) {
            r = a < z ? a : z;
        } else if (c == 7) {
            r = z <= 0 ? 0L : a;
        } else if (c == 8) {
            r = a == z ? 1L : 0L;
        } else if (c == 9) {
            r = a != z ? 1L : 0L;
        } else if (c == 10) {
            r = a < z ? 1L : 0L;
        } else if (c == 11) {
            r = a <= z ? 1L : 0L;
        } else if (c == 12) {
            r = a > z ? 1L : 0L;
        } else if (c == 13) {
            r = a >= z ? 1L : 0L;
        } else if (c == 14) {
            r = truthLong(a) * truthLong(z);
        } else if (c == 15) {
            r = max(truthLong(a), truthLong(z));
        } else {
            r = abs(truthLong(a) - truthLong(z));
        }
        return r;
    }
}
