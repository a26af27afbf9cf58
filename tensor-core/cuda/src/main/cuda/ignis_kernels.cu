// Ignis' CUDA kernels: the primitives of the backend SPI (dev.ignis.backend.Backend) over strided
// views of any dtype. Compiled ahead to PTX (build-ptx.sh) and loaded through the driver's JIT, so
// the NVIDIA driver alone runs them. Values are computed in double and rounded to the output's
// dtype, as the CPU backend's generic loops define them; int64 arithmetic stays integral.
//
// Codes shared with the Java side (CudaCodes): dtypes BOOL 0, INT64 1, FLOAT32 2, FLOAT64 3; the
// unary and binary op codes are the ordinals of dev.ignis.backend.UnaryOp and BinaryOp, checked
// by CudaCodesTest against the enums.

#define MAXD 8

// Up to four strided operands over one index space of up to MAXD dimensions; every field 8 bytes
// wide so that the Java side lays the struct out without padding rules.
struct Geo {
    long long ndim;
    long long numel;
    long long shape[MAXD];
    long long stride[4][MAXD];
    long long offset[4];
    long long dtype[4];
};

__device__ double ld(const void *p, long long t, long long i) {
    switch (t) {
        case 0: return ((const unsigned char *) p)[i] != 0 ? 1.0 : 0.0;
        case 1: return (double) ((const long long *) p)[i];
        case 2: return (double) ((const float *) p)[i];
        default: return ((const double *) p)[i];
    }
}

__device__ long long ldLong(const void *p, long long t, long long i) {
    return t == 1 ? ((const long long *) p)[i] : (long long) ld(p, t, i);
}

__device__ void st(void *p, long long t, long long i, double v) {
    switch (t) {
        case 0: ((unsigned char *) p)[i] = v != 0.0; break;
        case 1: ((long long *) p)[i] = isnan(v) ? 0 : (long long) v; break;
        case 2: ((float *) p)[i] = (float) v; break;
        default: ((double *) p)[i] = v;
    }
}

// The storage index of element e (row-major) of operand k.
__device__ long long at(const Geo &g, int k, long long e) {
    long long o = g.offset[k];
    for (int d = (int) g.ndim - 1; d >= 0; d--) {
        long long c = e % g.shape[d];
        e /= g.shape[d];
        o += c * g.stride[k][d];
    }
    return o;
}

#define FOR_EACH(e, n) for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < (n); \
        e += (long long) gridDim.x * blockDim.x)

__device__ double erfGelu(double x) { return 0.5 * x * (1.0 + erf(x / sqrt(2.0))); }

__device__ double unaryOp(int op, double x, double p, double q) {
    const double K = 0.7978845608028654;   // sqrt(2/pi)
    switch (op) {
        case 0: return -x;                                        // NEG
        case 1: return fabs(x);                                   // ABS
        case 2: return x > 0 ? 1.0 : x < 0 ? -1.0 : x;            // SIGN (keeps ±0 and NaN)
        case 3: return exp(x);                                    // EXP
        case 4: return log(x);                                    // LOG
        case 5: return sqrt(x);                                   // SQRT
        case 6: return 1.0 / sqrt(x);                             // RSQRT
        case 7: return pow(x, p);                                 // POW_SCALAR
        case 8: return x * p;                                     // MUL_SCALAR
        case 9: {                                                 // CLAMP
            if (isnan(x)) return x;
            double y = isnan(p) ? x : fmax(x, p);
            return isnan(q) ? y : fmin(y, q);
        }
        case 10: return x > 0 || isnan(x) ? x : 0.0;              // RELU
        case 11: return x > 0 ? x : p * x;                        // LEAKY_RELU
        case 12: return 1.0 / (1.0 + exp(-x));                    // SIGMOID
        case 13: return tanh(x);                                  // TANH
        case 14: return erfGelu(x);                               // GELU
        case 15: return 0.5 * (1.0 + erf(x / sqrt(2.0)))          // GELU_GRAD
                + x * exp(-0.5 * x * x) / sqrt(2.0 * 3.141592653589793);
        case 16: return 0.5 * x * (1.0 + tanh(K * (x + 0.044715 * x * x * x)));   // GELU_TANH
        case 17: {                                                // GELU_TANH_GRAD
            double t = tanh(K * (x + 0.044715 * x * x * x));
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * K * (1.0 + 3 * 0.044715 * x * x);
        }
        case 18: return x / (1.0 + exp(-x));                      // SILU
        case 19: {                                                // SILU_GRAD
            double s = 1.0 / (1.0 + exp(-x));
            return s * (1.0 + x * (1.0 - s));
        }
        case 20: return p * x > q ? x : log1p(exp(p * x)) / p;    // SOFTPLUS
        case 21: return p * x > q ? 1.0 : 1.0 / (1.0 + exp(-p * x));   // SOFTPLUS_GRAD
        case 22: return x > 0 ? x : p * expm1(x);                 // ELU
        case 23: return x > 0 ? 1.0 : p * exp(x);                 // ELU_GRAD
        default: return x == 0 ? 1.0 : 0.0;                       // LOGICAL_NOT
    }
}

__device__ double binaryOp(int op, double a, double b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return pow(a, b);
        case 5: return isnan(a) || isnan(b) ? nan("") : fmax(a, b);
        case 6: return isnan(a) || isnan(b) ? nan("") : fmin(a, b);
        case 7: return b <= 0 ? 0.0 : a;                          // MASK_POSITIVE
        case 8: return a == b;
        case 9: return a != b;
        case 10: return a < b;
        case 11: return a <= b;
        case 12: return a > b;
        case 13: return a >= b;
        case 14: return a != 0 && b != 0;
        case 15: return a != 0 || b != 0;
        default: return (a != 0) != (b != 0);
    }
}

// int64 op int64 → int64 or bool, exactly, for every op but DIV and POW (which go through double).
__device__ long long binaryLong(int op, long long a, long long b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 5: return a > b ? a : b;
        case 6: return a < b ? a : b;
        case 7: return b <= 0 ? 0 : a;
        case 8: return a == b;
        case 9: return a != b;
        case 10: return a < b;
        case 11: return a <= b;
        case 12: return a > b;
        case 13: return a >= b;
        case 14: return a != 0 && b != 0;
        case 15: return a != 0 || b != 0;
        default: return (a != 0) != (b != 0);
    }
}

extern "C" __global__ void ew_unary(Geo g, int op, double p, double q, const void *x, void *out) {
    FOR_EACH(e, g.numel) {
        st(out, g.dtype[1], at(g, 1, e), unaryOp(op, ld(x, g.dtype[0], at(g, 0, e)), p, q));
    }
}

extern "C" __global__ void ew_binary(Geo g, int op, const void *a, const void *b, void *out) {
    bool integral = g.dtype[0] == 1 && g.dtype[1] == 1 && g.dtype[2] == 1 && op != 3 && op != 4;
    FOR_EACH(e, g.numel) {
        long long o = at(g, 2, e);
        if (integral) {
            ((long long *) out)[o] = binaryLong(op, ((const long long *) a)[at(g, 0, e)],
                    ((const long long *) b)[at(g, 1, e)]);
        } else {
            st(out, g.dtype[2], o, binaryOp(op, ld(a, g.dtype[0], at(g, 0, e)), ld(b, g.dtype[1], at(g, 1, e))));
        }
    }
}

extern "C" __global__ void ew_where(Geo g, const void *c, const void *a, const void *b, void *out) {
    FOR_EACH(e, g.numel) {
        bool take = ld(c, g.dtype[0], at(g, 0, e)) != 0;
        long long o = at(g, 3, e);
        if (g.dtype[3] == 1 && g.dtype[1] == 1 && g.dtype[2] == 1) {
            ((long long *) out)[o] = take ? ((const long long *) a)[at(g, 1, e)] : ((const long long *) b)[at(g, 2, e)];
        } else {
            st(out, g.dtype[3], o, take ? ld(a, g.dtype[1], at(g, 1, e)) : ld(b, g.dtype[2], at(g, 2, e)));
        }
    }
}

extern "C" __global__ void ew_copy(Geo g, const void *src, void *dst) {
    FOR_EACH(e, g.numel) {
        long long o = at(g, 1, e);
        if (g.dtype[0] == 1 && g.dtype[1] == 1) {
            ((long long *) dst)[o] = ((const long long *) src)[at(g, 0, e)];
        } else {
            st(dst, g.dtype[1], o, ld(src, g.dtype[0], at(g, 0, e)));
        }
    }
}

extern "C" __global__ void ew_fill(Geo g, double v, void *dst) {
    FOR_EACH(e, g.numel) {
        st(dst, g.dtype[0], at(g, 0, e), v);
    }
}

// y = beta·y + alpha·x; float32 with one rounding of alpha·x + (beta·y), as the CPU's fma loops.
extern "C" __global__ void ew_axpby(Geo g, double alpha, double beta, const void *x, void *y) {
    FOR_EACH(e, g.numel) {
        long long oy = at(g, 1, e);
        if (g.dtype[0] == 2 && g.dtype[1] == 2) {
            float *yv = (float *) y;
            yv[oy] = fmaf((float) alpha, ((const float *) x)[at(g, 0, e)], yv[oy] * (float) beta);
        } else {
            st(y, g.dtype[1], oy, beta * ld(y, g.dtype[1], oy) + alpha * ld(x, g.dtype[0], at(g, 0, e)));
        }
    }
}

// Rows of a contiguous [rows, n] x: op 0 SUM, 1 MAX, 2 MIN (the first NaN wins, as the CPU's loop).
extern "C" __global__ void reduce_rows(long long rows, long long n, int op, long long xt, const void *x,
        long long xoff, long long ot, void *out, long long ooff, long long *idx, long long ioff) {
    FOR_EACH(r, rows) {
        long long start = xoff + r * n;
        if (op == 0) {
            if (xt == 1 && ot == 1) {
                long long acc = 0;
                for (long long j = 0; j < n; j++) acc += ((const long long *) x)[start + j];
                ((long long *) out)[ooff + r] = acc;
            } else {
                double acc = 0;
                for (long long j = 0; j < n; j++) acc += ld(x, xt, start + j);
                st(out, ot, ooff + r, acc);
            }
        } else {
            long long best = 0;
            double value = ld(x, xt, start);
            for (long long j = 1; j < n && !isnan(value); j++) {
                double v = ld(x, xt, start + j);
                if (isnan(v) || (op == 1 ? v > value : v < value)) {
                    best = j;
                    value = v;
                }
            }
            st(out, ot, ooff + r, value);
            if (idx != 0) idx[ioff + r] = best;
        }
    }
}

// (value, index) of the better of two partial MAX (op 1) or MIN (op 2) results, index -1 meaning
// none yet: a NaN beats every number, and of equals the smaller index wins, so the answer is the
// sequential loop's (the first NaN, else the first extreme).
__device__ bool replaces(int op, double v1, long long i1, double v2, long long i2) {
    if (i2 < 0) return false;
    if (i1 < 0) return true;
    if (isnan(v1)) return isnan(v2) && i2 < i1;
    if (isnan(v2)) return true;
    if (v2 == v1) return i2 < i1;
    return op == 1 ? v2 > v1 : v2 < v1;
}

#define ROW_THREADS 256

// reduce_rows with one block of ROW_THREADS per row, for long rows: each thread folds a strided
// slice of the row, then the block combines the partials in shared memory (a tree: sums come out
// in another order than the sequential loop's, within rounding).
extern "C" __global__ void reduce_rows_block(long long n, int op, long long xt, const void *x, long long xoff,
        long long ot, void *out, long long ooff, long long *idx, long long ioff) {
    __shared__ double value[ROW_THREADS];
    __shared__ long long index[ROW_THREADS];
    long long r = blockIdx.x;
    long long start = xoff + r * n;
    int t = threadIdx.x;
    double v = 0.0;
    long long best = -1;
    long long lsum = 0;
    for (long long j = t; j < n; j += ROW_THREADS) {
        if (op == 0) {
            if (xt == 1) lsum += ((const long long *) x)[start + j];
            else v += ld(x, xt, start + j);
        } else {
            double c = ld(x, xt, start + j);
            if (replaces(op, v, best, c, j)) { v = c; best = j; }
        }
    }
    value[t] = v;
    index[t] = op == 0 ? lsum : best;
    __syncthreads();
    for (int half = ROW_THREADS / 2; half > 0; half >>= 1) {
        if (t < half) {
            if (op == 0) {
                value[t] += value[t + half];
                index[t] += index[t + half];
            } else if (replaces(op, value[t], index[t], value[t + half], index[t + half])) {
                value[t] = value[t + half];
                index[t] = index[t + half];
            }
        }
        __syncthreads();
    }
    if (t == 0) {
        if (op == 0) {
            if (xt == 1 && ot == 1) ((long long *) out)[ooff + r] = index[0];
            else st(out, ot, ooff + r, xt == 1 ? (double) index[0] : value[0]);
        } else {
            st(out, ot, ooff + r, value[0]);
            if (idx != 0) idx[ioff + r] = index[0];
        }
    }
}

// out[b] = a[b]·c[b]: a [B, M, K], c [B, K, N] of any strides (geometry of a and c in g.stride[0..1]
// over dims (batch, row, col)), out a contiguous [B, M, N] at g.offset[2]. One thread per output.
extern "C" __global__ void bmm(Geo g, long long B, long long M, long long N, long long K, const void *a,
        const void *c, void *out) {
    FOR_EACH(e, B * M * N) {
        long long j = e % N;
        long long i = (e / N) % M;
        long long b = e / (M * N);
        double acc = 0;
        long long ao = g.offset[0] + b * g.stride[0][0] + i * g.stride[0][1];
        long long co = g.offset[1] + b * g.stride[1][0] + j * g.stride[1][2];
        for (long long k = 0; k < K; k++) {
            acc += ld(a, g.dtype[0], ao + k * g.stride[0][2]) * ld(c, g.dtype[1], co + k * g.stride[1][1]);
        }
        st(out, g.dtype[2], g.offset[2] + e, acc);
    }
}

// The same product for float32 operands, in 16×16 tiles through shared memory (each element of a
// and c read once per tile instead of once per output), accumulated in float as a BLAS does.
// Launched with 16×16 blocks on a grid of (⌈N/16⌉, ⌈M/16⌉, B).
#define TILE 16
extern "C" __global__ void bmm_f32_tiled(Geo g, long long B, long long M, long long N, long long K, const float *a,
        const float *c, float *out) {
    __shared__ float as[TILE][TILE];
    __shared__ float cs[TILE][TILE];
    long long b = blockIdx.z;
    long long i = blockIdx.y * TILE + threadIdx.y;
    long long j = blockIdx.x * TILE + threadIdx.x;
    long long aBase = g.offset[0] + b * g.stride[0][0];
    long long cBase = g.offset[1] + b * g.stride[1][0];
    float acc = 0;
    for (long long k0 = 0; k0 < K; k0 += TILE) {
        long long ka = k0 + threadIdx.x;
        long long kc = k0 + threadIdx.y;
        as[threadIdx.y][threadIdx.x] = i < M && ka < K ? a[aBase + i * g.stride[0][1] + ka * g.stride[0][2]] : 0.0f;
        cs[threadIdx.y][threadIdx.x] = kc < K && j < N ? c[cBase + kc * g.stride[1][1] + j * g.stride[1][2]] : 0.0f;
        __syncthreads();
        for (int k = 0; k < TILE; k++) {
            acc = fmaf(as[threadIdx.y][k], cs[k][threadIdx.x], acc);
        }
        __syncthreads();
    }
    if (i < M && j < N) {
        out[g.offset[2] + (b * M + i) * N + j] = acc;
    }
}

// Over the index's shape: operand 0 the index (int64), 1 the dense side, 2 the indexed side, whose
// coordinate along dim is the index value. scatter: indexed[...] += dense[p]; else dense[p] = indexed[...].
__device__ long long indexedAt(const Geo &g, long long e, int dim, long long idx) {
    long long o = g.offset[2];
    for (int d = (int) g.ndim - 1; d >= 0; d--) {
        long long c = e % g.shape[d];
        e /= g.shape[d];
        o += (d == dim ? idx : c) * g.stride[2][d];
    }
    return o;
}

__device__ void atomicAddTo(void *p, long long t, long long i, double v) {
    switch (t) {
        case 1: atomicAdd((unsigned long long *) p + i, (unsigned long long) (long long) v); break;
        case 2: atomicAdd((float *) p + i, (float) v); break;
        case 3: atomicAdd((double *) p + i, v); break;
        default: if (v != 0) ((unsigned char *) p)[i] = 1;
    }
}

extern "C" __global__ void gather_scatter(Geo g, int dim, int scatter, const long long *index, void *dense,
        void *indexed) {
    FOR_EACH(e, g.numel) {
        long long idx = index[at(g, 0, e)];
        long long io = indexedAt(g, e, dim, idx);
        long long dOff = at(g, 1, e);
        if (scatter) {
            atomicAddTo(indexed, g.dtype[2], io, ld(dense, g.dtype[1], dOff));
        } else {
            st(dense, g.dtype[1], dOff, ld(indexed, g.dtype[2], io));
        }
    }
}

// Over the dense side's shape (operand 0), whose coordinate along dim k maps to index[k] in the
// indexed side (operand 1): add: indexed[.., index[k], ..] += dense[.., k, ..]; else dense = indexed.
extern "C" __global__ void index_select_add(Geo g, int dim, int add, const long long *index, void *dense,
        void *indexed) {
    FOR_EACH(e, g.numel) {
        long long rest = e;
        long long io = g.offset[1];
        long long dOff = g.offset[0];
        for (int d = (int) g.ndim - 1; d >= 0; d--) {
            long long c = rest % g.shape[d];
            rest /= g.shape[d];
            dOff += c * g.stride[0][d];
            io += (d == dim ? index[c] : c) * g.stride[1][d];
        }
        if (add) {
            atomicAddTo(indexed, g.dtype[1], io, ld(dense, g.dtype[0], dOff));
        } else {
            st(dense, g.dtype[0], dOff, ld(indexed, g.dtype[1], io));
        }
    }
}

// dev.ignis.backend.CounterRandom: SplitMix64's output function of seed + (i + 1)·golden gamma.
__device__ unsigned long long bits(unsigned long long seed, unsigned long long i) {
    unsigned long long z = seed + (i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ double uniform(unsigned long long seed, unsigned long long i) {
    return (double) (bits(seed, i) >> 11) * 0x1.0p-53;
}

extern "C" __global__ void fill_random(Geo g, int normal, long long seed, void *dst) {
    FOR_EACH(e, g.numel) {
        double v;
        if (normal) {
            double u1 = uniform(seed, 2 * e);
            double u2 = uniform(seed, 2 * e + 1);
            v = sqrt(-2 * log(1 - u1)) * cos(2 * 3.141592653589793 * u2);
        } else {
            v = uniform(seed, e);
        }
        st(dst, g.dtype[0], at(g, 0, e), v);
    }
}
