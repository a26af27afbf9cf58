package dev.ignis.spark;

import dev.ignis.nn.Module;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A trained Ignis regressor as a Spark ML {@link org.apache.spark.ml.Model} (a Transformer):
 * {@link #transform} appends {@code predictionCol}, the network's output for each row as a double
 * (the network must output one value per row: [N, 1] or [N]). Scoring, the SQL function,
 * persistence and {@link #summary()}: {@link IgnisModel}.
 */
public final class IgnisRegressionModel extends IgnisModel<IgnisRegressionModel> {
    private static final long serialVersionUID = 1L;

    /** A model of {@code factory}'s architecture holding {@code module}'s weights. */
    IgnisRegressionModel(String uid, SerializableSupplier<Module> factory, Module module) {
        super(uid, factory, module);
    }

    /**
     * A model scoring with weights saved elsewhere (PyTorch's {@code save_file(model.state_dict())}
     * or {@code Safetensors.save}) into {@code factory}'s architecture, with the same key names.
     *
     * @param uri any Hadoop path of a .safetensors file
     */
    public static IgnisRegressionModel fromSafetensors(String uri, SerializableSupplier<Module> factory,
                                                       int... sampleShape) {
        return new IgnisRegressionModel(Identifiable$.MODULE$.randomUID("ignisRegressionModel"), factory,
                moduleFromSafetensors(uri, factory)).setSampleShape(sampleShape);
    }

    @Override
    IgnisRegressionModel newInstance(String uid, SerializableSupplier<Module> factory, Module module) {
        return new IgnisRegressionModel(uid, factory, module);
    }

    @Override
    BatchScoring.Outputs outputs() {
        return new BatchScoring.Outputs(false, false, !string(predictionCol()).isEmpty(), true);
    }

    @Override
    Map<Param<String>, DataType> outputColumns() {
        return Map.of(predictionCol(), DataTypes.DoubleType);
    }

    /** Spark ML's reader (also used when a {@code PipelineModel} holding this model loads). */
    public static MLReader<IgnisRegressionModel> read() {
        return reader(IgnisRegressionModel.class, IgnisRegressionModel::new);
    }

    /** {@code read().load(path)}. */
    public static IgnisRegressionModel load(String path) {
        return read().load(path);
    }
}
