package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.tensor.Tensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The settings that give a checkpoint's position (round, epoch, step) its meaning, stored with it:
 * a run that resumes with any of them changed would continue from a position that means
 * something else (another step count per round, another epoch length, another model), so it is
 * refused, naming the checkpoint and the setting.
 *
 * @param seed          the run's seed (shuffles and initial weights)
 * @param stepsPerRound local steps between averagings, as the run used them (the setting, capped
 *                      at the steps of an epoch)
 * @param batchSize     samples per step
 * @param epochs        epochs of the whole run
 * @param partitionSizes samples per replica (the data and its split into replicas)
 * @param architecture  the model's state-dict keys and shapes
 */
record RunSettings(long seed, int stepsPerRound, int batchSize, int epochs, List<Integer> partitionSizes,
                   String architecture) implements Serializable {

    RunSettings {
        partitionSizes = List.copyOf(partitionSizes);
    }

    /** "key[shape], key[shape], ..." of the model's state dict. */
    static String architecture(Module model) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(Arrays.toString(e.getValue().shape()));
        }
        return out.toString();
    }

    /**
     * @throws IllegalArgumentException naming {@code checkpoint} and the first setting of {@code stored}
     *                                  that differs from this run's
     */
    void checkResume(RunSettings stored, String checkpoint) {
        if (stored == null) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " records no run settings (written by an"
                    + " older Ignis); start from a new checkpoint directory");
        }
        // the settings a user sets first; the steps per round a run uses follow from them and the data
        differs("seed", stored.seed, seed, checkpoint);
        differs("batch size", stored.batchSize, batchSize, checkpoint);
        differs("samples per replica", stored.partitionSizes, partitionSizes, checkpoint);
        differs("epochs", stored.epochs, epochs, checkpoint);
        differs("steps per round", stored.stepsPerRound, stepsPerRound, checkpoint);
        differs("model (state-dict keys and shapes)", stored.architecture, architecture, checkpoint);
    }

    private static void differs(String setting, Object stored, Object now, String checkpoint) {
        if (!stored.equals(now)) {
            throw new IllegalArgumentException("cannot resume from checkpoint " + checkpoint + ": it was written with "
                    + setting + " " + stored + ", this run has " + now + "; its position would mean something else"
                    + " (use the same setting, or a new checkpoint directory)");
        }
    }
}
