package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.ArrayList;
import java.util.List;

/** Dataset utilities (torch.utils.data.random_split). */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Splits a dataset into non-overlapping random subsets. {@code lengths} are sample counts that
     * sum to the size, or fractions that sum to 1: each gets ⌊f·n⌋ and the remainder is handed out
     * one by one, round-robin from the first, as PyTorch does.
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] lengths, Generator gen) {
        long n = dataset.size();
        long[] counts = new long[lengths.length];
        double sum = 0;
        for (double l : lengths) {
            sum += l;
        }
        if (Math.abs(sum - 1) < 1e-9 && sum <= 1 + 1e-9 && allFractions(lengths)) {
            long assigned = 0;
            for (int i = 0; i < lengths.length; i++) {
                if (lengths[i] < 0 || lengths[i] > 1) {
                    throw new IllegalArgumentException("Fraction at index " + i + " is not between 0 and 1");
                }
                counts[i] = (long) Math.floor(n * lengths[i]);
                assigned += counts[i];
            }
            for (long r = 0; r < n - assigned; r++) {
                counts[(int) (r % counts.length)]++;
            }
        } else {
            long total = 0;
            for (int i = 0; i < lengths.length; i++) {
                counts[i] = (long) lengths[i];
                total += counts[i];
            }
            if (total != n) {
                throw new IllegalArgumentException("Sum of input lengths does not equal the length of the input dataset!");
            }
        }
        long[] perm = RandomSampler.permutation(n, gen);
        List<Subset<T>> out = new ArrayList<>();
        int offset = 0;
        for (long c : counts) {
            long[] idx = new long[(int) c];
            System.arraycopy(perm, offset, idx, 0, idx.length);
            offset += idx.length;
            out.add(new Subset<>(dataset, idx));
        }
        return out;
    }

    private static boolean allFractions(double[] lengths) {
        for (double l : lengths) {
            if (l > 1) {
                return false;
            }
        }
        return true;
    }
}
