package dev.ignis.examples.seq2seq;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic task: a sequence of 10–20 random digits, and its reverse. Tokens 0–9 are the
 * digits; {@link #BOS} starts a target, {@link #EOS} ends it, {@link #PAD} fills batches up to
 * their longest sequence.
 */
public final class DigitSequences {
    public static final int BOS = 10;
    public static final int EOS = 11;
    public static final int PAD = 12;
    public static final int VOCAB = 13;

    private final int minLength;
    private final int maxLength;

    public DigitSequences(int minLength, int maxLength) {
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("sequence lengths must satisfy 1 <= min <= max, got " + minLength + ".."
                    + maxLength);
        }
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    public int maxLength() {
        return maxLength;
    }

    /** {@code count} random source sequences. */
    public List<long[]> sample(int count, Generator gen) {
        List<long[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long[] s = new long[minLength + (int) gen.nextLong(maxLength - minLength + 1)];
            for (int j = 0; j < s.length; j++) {
                s[j] = gen.nextLong(10);
            }
            out.add(s);
        }
        return out;
    }

    /** The answer to {@code source}: its digits reversed. */
    public static long[] reversed(long[] source) {
        long[] r = new long[source.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = source[source.length - 1 - i];
        }
        return r;
    }

    /** Sequences as an int64 [N, width] batch, each followed by {@code prefix}/{@code suffix} tokens and PAD. */
    public static Tensor batch(List<long[]> seqs, int prefix, int suffix) {
        int extra = (prefix >= 0 ? 1 : 0) + (suffix >= 0 ? 1 : 0);
        int width = seqs.stream().mapToInt(s -> s.length).max().orElse(0) + extra;
        long[] data = new long[seqs.size() * width];
        java.util.Arrays.fill(data, PAD);
        for (int i = 0; i < seqs.size(); i++) {
            int o = i * width;
            if (prefix >= 0) {
                data[o++] = prefix;
            }
            for (long t : seqs.get(i)) {
                data[o++] = t;
            }
            if (suffix >= 0) {
                data[o] = suffix;
            }
        }
        return Tensor.fromArray(data, seqs.size(), width);
    }
}
