package dev.ignis.data.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.data.DataLoader;
import dev.ignis.data.Dataset;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RandomTransformsTest {

    /** Image i is a [1, 6, 6] ramp offset by 100·i, so every crop position gives distinct values. */
    private static Tensor ramp(long i) {
        return Tensor.arange(0.0, 36.0, 1.0).add(100.0 * i).reshape(1, 6, 6);
    }

    private static Dataset<Tensor> augmented(Function<Tensor, Tensor> transform) {
        return new Dataset<>() {
            @Override
            public long size() {
                return 40;
            }

            @Override
            public Tensor get(long index) {
                return transform.apply(ramp(index));
            }
        };
    }

    private static List<float[]> pass(Dataset<Tensor> ds, int workers, long seed) {
        List<float[]> out = new ArrayList<>();
        try (DataLoader<Object> loader = DataLoader.of(ds).batchSize(4).numWorkers(workers)
                .generator(new Generator(seed)).build()) {
            for (Object batch : loader) {
                out.add(((Tensor) batch).toFloatArray());
            }
        }
        return out;
    }

    @Test
    void seededAugmentationIsTheSameWithAnyNumberOfWorkers() {
        Dataset<Tensor> ds = augmented(Transforms.compose(Transforms.randomCrop(4, 4, new int[] {1}, false, 0),
                Transforms.randomHorizontalFlip(0.5), Transforms.randomResizedCrop(3, 3)));
        List<float[]> serial = pass(ds, 0, 11);
        List<float[]> parallel = pass(ds, 3, 11);
        assertEquals(serial.size(), parallel.size());
        for (int b = 0; b < serial.size(); b++) {
            assertArrayEquals(serial.get(b), parallel.get(b), "batch " + b);
        }
        List<float[]> otherSeed = pass(ds, 0, 12);
        boolean differs = false;
        for (int b = 0; b < serial.size(); b++) {
            differs |= !java.util.Arrays.equals(serial.get(b), otherSeed.get(b));
        }
        assertTrue(differs, "another loader seed gives other augmentations");
    }

    @Test
    void randomCropIsAWindowOfThePaddedImageAndCoversEveryPosition() {
        Function<Tensor, Tensor> crop = Transforms.randomCrop(4, 4, new int[] {1}, false, -1);
        Tensor padded = Functional.pad(ramp(0), 1, 1, 1, 1, -1);
        Set<String> positions = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Tensor c = crop.apply(ramp(0));
            assertArrayEquals(new int[] {1, 4, 4}, c.shape());
            boolean found = false;
            for (int top = 0; top <= 4 && !found; top++) {
                for (int left = 0; left <= 4 && !found; left++) {
                    if (java.util.Arrays.equals(c.toFloatArray(), Functional.crop(padded, top, left, 4, 4).toFloatArray())) {
                        positions.add(top + "," + left);
                        found = true;
                    }
                }
            }
            assertTrue(found, "crop " + i + " is a 4x4 window of the padded image");
        }
        assertEquals(25, positions.size(), "all 5x5 placements occur");
    }

    @Test
    void randomCropErrorsAndPadIfNeededFollowTorchvision() {
        assertEquals("Required crop size (7, 7) is larger than input image size (6, 6)",
                assertThrows(IllegalArgumentException.class, () -> Transforms.randomCrop(7, 7).apply(ramp(0))).getMessage());
        Tensor c = Transforms.randomCrop(8, 7, new int[0], true, 0).apply(ramp(0));
        assertArrayEquals(new int[] {1, 8, 7}, c.shape());
    }

    @Test
    void randomResizedCropParamsStayInsideAndFallBackToTheCentre() {
        Generator g = new Generator(5);
        for (int i = 0; i < 200; i++) {
            CropParams p = CropParams.randomResizedCrop(20, 30, new double[] {0.08, 1}, new double[] {0.75, 4.0 / 3}, g);
            assertTrue(p.top() >= 0 && p.left() >= 0 && p.top() + p.height() <= 20 && p.left() + p.width() <= 30, p.toString());
            double area = (double) p.height() * p.width() / 600;
            assertTrue(area > 0.05 && area < 1.05, "area fraction " + area);
        }
        // no box of ratio >= 10 fits a square: torchvision's fallback is the central crop of ratio 10
        CropParams fallback = CropParams.randomResizedCrop(50, 50, new double[] {0.9, 1}, new double[] {10, 20}, g);
        assertEquals(new CropParams((50 - 5) / 2, 0, 5, 50), fallback);
        assertArrayEquals(new int[] {1, 3, 3}, Transforms.randomResizedCrop(3, 3).apply(ramp(0)).shape());
    }
}
