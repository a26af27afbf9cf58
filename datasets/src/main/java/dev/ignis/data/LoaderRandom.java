package dev.ignis.data;

import dev.ignis.tensor.Generator;
import java.util.function.Supplier;

/**
 * The generator random transforms draw from while a DataLoader loads. A map-style loader gives
 * each batch its own generator seeded from (the pass's base seed, drawn from the loader's
 * generator; the batch index), so a seeded run gives the same augmentations whatever the number
 * of workers and however the threads interleave. An iterable-dataset worker uses one generator
 * seeded with its {@link WorkerInfo#seed()}. Outside a loader this is {@link Generator#getDefault()}.
 */
public final class LoaderRandom {
    private static final ThreadLocal<Generator> CURRENT = new ThreadLocal<>();

    private LoaderRandom() {
    }

    public static Generator current() {
        Generator g = CURRENT.get();
        return g != null ? g : Generator.getDefault();
    }

    /** Runs {@code work} with {@code generator} as this thread's current one, then restores the previous. */
    static <R> R with(Generator generator, Supplier<R> work) {
        Generator previous = CURRENT.get();
        CURRENT.set(generator);
        try {
            return work.get();
        } finally {
            CURRENT.set(previous);
        }
    }

    /** The generator of batch {@code batchIndex} of a pass whose base seed is {@code baseSeed}. */
    static Generator forBatch(long baseSeed, long batchIndex) {
        return new Generator(baseSeed + 0x9E3779B97F4A7C15L * batchIndex);
    }
}
