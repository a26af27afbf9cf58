package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ignis.nn.BatchNorm2d;
import dev.ignis.nn.Conv2d;
import dev.ignis.nn.Flatten;
import dev.ignis.nn.Fusion;
import dev.ignis.nn.Linear;
import dev.ignis.nn.MaxPool2d;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;
import dev.ignis.swa.BatchNormUpdate;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * updateBn recomputes the statistics of a fused model (BatchNorm2d → ReLU → MaxPool2d as one
 * module) as of the same model unfused; before the fused module passed RunningStats on, it found
 * no batch norm and left the statistics as they were (the Spark replicas' BatchNorm pass too).
 */
class FusedBatchNormUpdateTest {
    private static Module cnn() {
        Generator.getDefault().manualSeed(3);
        return new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(4 * 14 * 14, 10));
    }

    @Test
    void updateBnOnAFusedModelEqualsItOnTheUnfusedOne() {
        List<Tensor> batches = new ArrayList<>();
        Generator g = new Generator(5);
        for (int i = 0; i < 5; i++) {
            batches.add(Tensor.randn(g, 16, 1, 28, 28).mul(1.0 + i));
        }
        Module plain = cnn();
        Module fused = Fusion.fuse(cnn());
        BatchNormUpdate.updateBn(batches, plain);
        BatchNormUpdate.updateBn(batches, fused);
        for (String key : List.of("1.running_mean", "1.running_var")) {
            assertArrayEquals(plain.stateDict().get(key).toFloatArray(), fused.stateDict().get(key).toFloatArray(),
                    1e-6f, key);
        }
        assertEquals(5L, fused.stateDict().get("1.num_batches_tracked").toLongArray()[0]);
        float[] var = fused.stateDict().get("1.running_var").toFloatArray();
        assertEquals(true, var[0] > 2, "the statistics of inputs scaled by 1..5, not the initial 1: " + var[0]);
    }
}
