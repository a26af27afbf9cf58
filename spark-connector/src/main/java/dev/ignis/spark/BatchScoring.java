package dev.ignis.spark;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The executor side of scoring a DataFrame: a task rebuilds the model once from the broadcast
 * weights, on its device, in eval mode, and runs it on batches of rows, appending to each row the
 * requested outputs in order. A classifier's: the logits (rawPrediction, an ML Vector), their
 * softmax (probability, an ML Vector) and the arg max (prediction, a double); a regressor's: the
 * output (prediction, a double; the model's output row must hold one value).
 */
final class BatchScoring implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Which outputs each row gets; a regressor has only a prediction. */
    record Outputs(boolean raw, boolean probability, boolean prediction, boolean regression) implements Serializable {
    }

    private final SerializableSupplier<Module> factory;
    private final int[] sampleShape;
    private final int batchSize;
    private final FeatureColumn features;
    private final int featureIndex;
    private final Outputs outputs;
    private final String device;

    /**
     * @param featureIndex where the features are in each row
     * @param device       the device setting ({@link ExecutorDevice#forCurrentTask})
     */
    BatchScoring(SerializableSupplier<Module> factory, int[] sampleShape, int batchSize, FeatureColumn features,
                 int featureIndex, Outputs outputs, String device) {
        this.factory = factory;
        this.sampleShape = sampleShape.clone();
        this.batchSize = batchSize;
        this.features = features;
        this.featureIndex = featureIndex;
        this.outputs = outputs;
        this.device = device;
    }

    /** The device for the current task by this scoring's device setting. */
    Device taskDevice() {
        return ExecutorDevice.forCurrentTask(device);
    }

    /**
     * The prediction for row {@code row} of a model output [N, width]: the arg max for a
     * classifier, the value for a regressor.
     *
     * @throws IllegalArgumentException for a regressor whose output rows hold more than one value
     */
    double prediction(float[] out, int row, int width) {
        if (!outputs.regression()) {
            return argmax(out, row, width);
        }
        if (width != 1) {
            throw new IllegalArgumentException("a regressor's model must output one value per row ([N, 1] or [N]),"
                    + " but it gives " + width);
        }
        return out[row];
    }

    /** A model for scoring: the factory's architecture with these weights, on {@code device}, in eval mode. */
    Module model(float[] weights, long[] counters, Device device) {
        Module model = factory.get();
        ModelVector.load(model, weights, counters);
        model.to(device).eval();
        return model;
    }

    /** {@code rows} with the outputs appended, scored {@link #batchSize} rows at a time. */
    Iterator<Row> score(Iterator<Row> rows, int partition, Module model, Device device) {
        int sampleSize = Replica.sampleSize(sampleShape);
        return new Iterator<>() {
            private final List<Row> scored = new ArrayList<>();
            private int next;
            private long seen;

            @Override
            public boolean hasNext() {
                if (next < scored.size()) {
                    return true;
                }
                scored.clear();
                next = 0;
                List<Row> batch = new ArrayList<>();
                while (batch.size() < batchSize && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    return false;
                }
                float[] x = new float[batch.size() * sampleSize];
                for (int i = 0; i < batch.size(); i++) {
                    String where = "row " + (seen + i) + " of partition " + partition;
                    float[] f = features.read(batch.get(i).get(featureIndex), where);
                    if (f.length != sampleSize) {
                        throw new IllegalArgumentException("features column '" + features.name() + "' has "
                                + f.length + " values in " + where + ", but the sample shape "
                                + Arrays.toString(sampleShape) + " needs " + sampleSize);
                    }
                    System.arraycopy(f, 0, x, i * sampleSize, sampleSize);
                }
                seen += batch.size();
                score(batch, Tensor.fromArray(x).reshape(Replica.shape(batch.size(), sampleShape))
                        .to(device), model);
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.get(next++);
            }

            private void score(List<Row> batch, Tensor x, Module model) {
                float[] logits;
                float[] probs;
                int classes;
                try (var ignored = GradMode.noGrad()) {
                    Tensor out = model.call(x);
                    classes = out.dim() == 1 ? 1 : out.shape()[1];
                    logits = out.toFloatArray();
                    probs = outputs.probability() ? out.softmax(1).toFloatArray() : null;
                }
                for (int i = 0; i < batch.size(); i++) {
                    Row row = batch.get(i);
                    List<Object> values = new ArrayList<>(row.size() + 3);
                    for (int c = 0; c < row.size(); c++) {
                        values.add(row.get(c));
                    }
                    if (outputs.raw()) {
                        values.add(Vectors.dense(slice(logits, i, classes)));
                    }
                    if (outputs.probability()) {
                        values.add(Vectors.dense(slice(probs, i, classes)));
                    }
                    if (outputs.prediction()) {
                        values.add(prediction(logits, i, classes));
                    }
                    scored.add(RowFactory.create(values.toArray()));
                }
            }
        };
    }

    private static double[] slice(float[] values, int row, int width) {
        double[] out = new double[width];
        for (int j = 0; j < width; j++) {
            out[j] = values[row * width + j];
        }
        return out;
    }

    /** The first index of the largest value in the row (NaN counts as largest, as torch.argmax). */
    static int argmax(float[] values, int row, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            float v = values[row * width + j];
            float b = values[row * width + best];
            if (!Float.isNaN(b) && (Float.isNaN(v) || v > b)) {
                best = j;
            }
        }
        return best;
    }
}
