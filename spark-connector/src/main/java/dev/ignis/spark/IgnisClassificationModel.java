package dev.ignis.spark;

import dev.ignis.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A trained Ignis classifier as a Spark ML {@link org.apache.spark.ml.Model} (a Transformer):
 * {@link #transform} appends {@code rawPredictionCol} (the logits, an ML Vector),
 * {@code probabilityCol} (their softmax) and {@code predictionCol} (the arg max, as a double) — any
 * of them left out by setting its name to "". Scoring, the SQL function, persistence and
 * {@link #summary()}: {@link IgnisModel}. A model trained in PyTorch scores DataFrames through
 * {@link #fromSafetensors}.
 */
public final class IgnisClassificationModel extends IgnisModel<IgnisClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    /** A model of {@code factory}'s architecture holding {@code module}'s weights. */
    IgnisClassificationModel(String uid, SerializableSupplier<Module> factory, Module module) {
        super(uid, factory, module);
        probabilityCol = ColumnParams.probabilityCol(this);
        rawPredictionCol = ColumnParams.rawPredictionCol(this);
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    /**
     * A model scoring with weights saved elsewhere (by PyTorch's {@code save_file(model.state_dict())}
     * or {@code Safetensors.save}) into {@code factory}'s architecture, with the same key names.
     *
     * @param uri any Hadoop path of a .safetensors file
     */
    public static IgnisClassificationModel fromSafetensors(String uri, SerializableSupplier<Module> factory,
                                                           int... sampleShape) {
        return new IgnisClassificationModel(Identifiable$.MODULE$.randomUID("ignisClassificationModel"), factory,
                moduleFromSafetensors(uri, factory)).setSampleShape(sampleShape);
    }

    @Override
    IgnisClassificationModel newInstance(String uid, SerializableSupplier<Module> factory, Module module) {
        return new IgnisClassificationModel(uid, factory, module);
    }

    @Override
    BatchScoring.Outputs outputs() {
        return new BatchScoring.Outputs(!string(rawPredictionCol).isEmpty(), !string(probabilityCol).isEmpty(),
                !string(predictionCol()).isEmpty(), false);
    }

    @Override
    Map<Param<String>, DataType> outputColumns() {
        Map<Param<String>, DataType> columns = new LinkedHashMap<>();
        columns.put(rawPredictionCol, SQLDataTypes.VectorType());
        columns.put(probabilityCol, SQLDataTypes.VectorType());
        columns.put(predictionCol(), DataTypes.DoubleType);
        return columns;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public IgnisClassificationModel setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public IgnisClassificationModel setRawPredictionCol(String v) {
        set(rawPredictionCol, v);
        return this;
    }

    /** Spark ML's reader (also used when a {@code PipelineModel} holding this model loads). */
    public static MLReader<IgnisClassificationModel> read() {
        return reader(IgnisClassificationModel.class, IgnisClassificationModel::new);
    }

    /** {@code read().load(path)}. */
    public static IgnisClassificationModel load(String path) {
        return read().load(path);
    }
}
