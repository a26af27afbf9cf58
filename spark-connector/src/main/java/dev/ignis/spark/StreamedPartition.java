package dev.ignis.spark;

import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Iterable-style access to a partition that is not cached (data larger than memory): the
 * partition is read as a stream every round, passed through a shuffle buffer seeded by (seed,
 * epoch, partition) — each output is a uniformly drawn element of the buffer, replaced by the
 * next input; 0 keeps the source order — and only the round's samples are kept in memory.
 */
final class StreamedPartition {
    private StreamedPartition() {
    }

    /** The samples of the epoch's steps [firstStep, firstStep + steps) of this partition's stream. */
    static PartitionData slice(Iterator<Sample> source, long seed, int epoch, int partition, int shuffleBuffer,
                               int batchSize, int firstStep, int steps) {
        Iterator<Sample> it = shuffled(source, seed, epoch, partition, shuffleBuffer);
        long skip = (long) firstStep * batchSize;
        for (long i = 0; i < skip && it.hasNext(); i++) {
            it.next();
        }
        List<Sample> kept = new ArrayList<>();
        long take = (long) steps * batchSize;
        while (kept.size() < take && it.hasNext()) {
            kept.add(it.next());
        }
        return PartitionData.of(kept, partition);
    }

    /** The stream's input batches in order (for the distributed updateBn). */
    static Iterator<Tensor> batches(Iterator<Sample> source, int batchSize, int[] sampleShape, int partition) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public Tensor next() {
                List<Sample> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && source.hasNext()) {
                    batch.add(source.next());
                }
                if (batch.isEmpty()) {
                    throw new NoSuchElementException();
                }
                PartitionData d = PartitionData.of(batch, partition);
                return d.featureTensor(sampleShape);
            }
        };
    }

    static Iterator<Sample> shuffled(Iterator<Sample> source, long seed, int epoch, int partition, int bufferSize) {
        if (bufferSize <= 0) {
            return source;
        }
        Generator gen = new Generator(Replica.mix(seed, epoch, partition) + 1);
        List<Sample> buffer = new ArrayList<>(bufferSize);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                fill();
                return !buffer.isEmpty();
            }

            private void fill() {
                while (buffer.size() < bufferSize && source.hasNext()) {
                    buffer.add(source.next());
                }
            }

            @Override
            public Sample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int j = (int) gen.nextLong(buffer.size());
                Sample out = buffer.get(j);
                buffer.set(j, buffer.get(buffer.size() - 1));
                buffer.remove(buffer.size() - 1);
                return out;
            }
        };
    }
}
