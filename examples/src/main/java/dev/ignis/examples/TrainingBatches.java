package dev.ignis.examples;

import dev.ignis.data.DataLoader;
import dev.ignis.data.RandomSampler;
import dev.ignis.data.TensorDataset;
import dev.ignis.data.vision.ImageFolder;
import dev.ignis.data.vision.Transforms;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.io.File;
import java.util.Arrays;
import java.util.Iterator;

/** Where the training loop's shuffled (x, y) batches come from; every epoch is a new shuffle. */
interface TrainingBatches extends AutoCloseable {
    String name();

    long samples();

    /** One epoch of {x [B, 1, 28, 28], y [B]} batches; only full batches. */
    Iterator<Tensor[]> epoch();

    @Override
    default void close() {
    }

    /** Index the in-memory tensors directly, as shared/bench/torch_fashion.py does. */
    static TrainingBatches direct(FashionMnist ds, int batch, Generator gen) {
        int n = ds.trainX().size(0);
        return new TrainingBatches() {
            @Override
            public String name() {
                return "tensors";
            }

            @Override
            public long samples() {
                return n;
            }

            @Override
            public Iterator<Tensor[]> epoch() {
                long[] perm = RandomSampler.permutation(n, gen);
                return new Iterator<>() {
                    private int step;

                    @Override
                    public boolean hasNext() {
                        return (step + 1) * batch <= n;
                    }

                    @Override
                    public Tensor[] next() {
                        Tensor idx = Tensor.fromArray(Arrays.copyOfRange(perm, step * batch, (step + 1) * batch));
                        step++;
                        return new Tensor[] {ds.trainX().indexSelect(0, idx), ds.trainY().indexSelect(0, idx)};
                    }
                };
            }
        };
    }

    /** A DataLoader over a TensorDataset of the training tensors. */
    static TrainingBatches loader(FashionMnist ds, int batch, int workers, Generator gen) {
        DataLoader<Object> loader = DataLoader.of(new TensorDataset(ds.trainX(), ds.trainY())).batchSize(batch)
                .shuffle(true).dropLast(true).generator(gen).numWorkers(workers).persistentWorkers(workers > 0).build();
        return fromLoader("dataloader(workers=" + workers + ")", ds.trainX().size(0), loader);
    }

    /** A DataLoader over an ImageFolder of PNGs: decode, ToTensor and Normalize in the workers. */
    static TrainingBatches imageFolder(String dir, int batch, int workers, Generator gen) {
        ImageFolder folder = fashionPngFolder(dir);
        DataLoader<Object> loader = DataLoader.of(folder).batchSize(batch).shuffle(true).dropLast(true).generator(gen)
                .numWorkers(workers).persistentWorkers(workers > 0).build();
        return fromLoader("imagefolder(workers=" + workers + ")", folder.size(), loader);
    }

    /**
     * An ImageFolder of grayscale Fashion-MNIST PNGs (as {@code bench loader --make} writes them):
     * ToTensor, then Normalize with the training set's mean and std, in place on ToTensor's fresh
     * result.
     */
    static ImageFolder fashionPngFolder(String dir) {
        return new ImageFolder(new File(dir).toURI().toString(), new ImageFolder.Options().mode("L")
                .transform(Transforms.toTensor().andThen(Transforms.normalize(new double[] {0.2860},
                        new double[] {0.3530}, true))));
    }

    private static TrainingBatches fromLoader(String name, long samples, DataLoader<Object> loader) {
        return new TrainingBatches() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long samples() {
                return samples;
            }

            @Override
            public Iterator<Tensor[]> epoch() {
                Iterator<Object> it = loader.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Tensor[] next() {
                        Object[] b = (Object[]) it.next();
                        return new Tensor[] {(Tensor) b[0], (Tensor) b[1]};
                    }
                };
            }

            @Override
            public void close() {
                loader.close();
            }
        };
    }
}
