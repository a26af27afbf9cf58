package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.nn.Safetensors;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A trained Ignis classifier as a Spark ML {@link Model} (a Transformer): {@link #transform}
 * scores a DataFrame in batches of {@code batchSize} rows with {@code mapPartitions}, the weights
 * broadcast once per model, each task on its own device (a GPU Spark assigned it, else the CPU),
 * and appends {@code rawPredictionCol} (the logits), {@code probabilityCol} (their softmax) and
 * {@code predictionCol} (the arg max, as a double) — any of them left out by setting its name to
 * "". Features as for training: an ML Vector, {@code array<float|double>}, encoded images or
 * Spark's image struct ({@link FeatureColumn}).
 *
 * <p>Saved as Spark ML does ({@link #write()}, {@link #load}; also inside a {@code PipelineModel}):
 * the params as Spark's JSON metadata, the weights as {@code weights.safetensors} (PyTorch's key
 * names: PyTorch loads them), the architecture as the serialized model factory. A model trained in
 * PyTorch scores DataFrames through {@link #fromSafetensors}.
 */
public final class IgnisClassificationModel extends Model<IgnisClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String WEIGHTS = "weights.safetensors";
    private static final String FACTORY = "model-factory.ser";

    private final String uid;
    private final SerializableSupplier<Module> factory;
    private final Module module;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> imageMode;
    private final IntArrayParam sampleShape;
    private final IntParam batchSize;
    private transient java.util.List<EpochMetrics> trainingMetrics = java.util.List.of();
    private transient Broadcast<float[]> weights;
    private transient Broadcast<long[]> counters;

    /** A model of {@code factory}'s architecture holding {@code module}'s weights. */
    IgnisClassificationModel(String uid, SerializableSupplier<Module> factory, Module module) {
        this.uid = uid;
        this.factory = factory;
        this.module = module;
        featuresCol = ColumnParams.featuresCol(this);
        predictionCol = ColumnParams.predictionCol(this);
        probabilityCol = ColumnParams.probabilityCol(this);
        rawPredictionCol = ColumnParams.rawPredictionCol(this);
        imageMode = ColumnParams.imageMode(this);
        sampleShape = ColumnParams.sampleShape(this);
        batchSize = new IntParam(this, "batchSize", "rows scored at a time", ParamValidators.gtEq(1));
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(imageMode, "RGB");
        setDefault(batchSize, 256);
    }

    /**
     * A model scoring with weights saved elsewhere (by PyTorch's {@code save_file(model.state_dict())}
     * or {@code Safetensors.save}) into {@code factory}'s architecture, with the same key names.
     *
     * @param uri any Hadoop path of a .safetensors file
     */
    public static IgnisClassificationModel fromSafetensors(String uri, SerializableSupplier<Module> factory,
                                                           int... sampleShape) {
        Module module = factory.get();
        module.loadStateDict(Safetensors.load(uri), true);
        return new IgnisClassificationModel(Identifiable$.MODULE$.randomUID("ignisClassificationModel"), factory,
                module).setSampleShape(sampleShape);
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * Each epoch's training (and validation) loss and accuracy from the fit that made this model;
     * empty for a loaded model or one made from safetensors (not saved with the model).
     */
    public java.util.List<EpochMetrics> trainingMetrics() {
        return trainingMetrics == null ? java.util.List.of() : trainingMetrics;   // null after Java deserialization
    }

    void trainingMetrics(java.util.List<EpochMetrics> metrics) {
        trainingMetrics = java.util.List.copyOf(metrics);
    }

    /** The trained network (on the driver, on the CPU). */
    public Module module() {
        return module;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public Param<String> imageMode() {
        return imageMode;
    }

    public IntArrayParam sampleShape() {
        return sampleShape;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IgnisClassificationModel setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    public IgnisClassificationModel setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public IgnisClassificationModel setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public IgnisClassificationModel setRawPredictionCol(String v) {
        set(rawPredictionCol, v);
        return this;
    }

    public IgnisClassificationModel setImageMode(String v) {
        set(imageMode, v);
        return this;
    }

    public IgnisClassificationModel setSampleShape(int... v) {
        set(sampleShape, v.clone());
        return this;
    }

    public IgnisClassificationModel setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    /**
     * Plain text for a notebook cell or a shell: the columns read and written, then the network's
     * layers, output shapes for one sample and parameter counts ({@link Module#summary}).
     */
    public String summary() {
        if (!isDefined(sampleShape)) {
            throw new IllegalArgumentException("IgnisClassificationModel: sampleShape is not set (e.g. [1, 28, 28])");
        }
        return "IgnisClassificationModel " + uid + ": '" + string(featuresCol) + "' "
                + java.util.Arrays.toString(getOrDefault(sampleShape)) + " -> '" + string(rawPredictionCol) + "', '"
                + string(probabilityCol) + "', '" + string(predictionCol) + "'\n"
                + module.summary(Replica.shape(1, getOrDefault(sampleShape)));
    }

    private String string(Param<String> p) {
        return getOrDefault(p);
    }

    /**
     * The input schema with the output columns appended.
     *
     * @throws IllegalArgumentException naming the column when the features column is missing or of
     *                                  a type models do not read, an output column already exists,
     *                                  or the sample shape is not set
     */
    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumn.of(schema, string(featuresCol), string(imageMode));
        if (!isDefined(sampleShape)) {
            throw new IllegalArgumentException("IgnisClassificationModel: sampleShape is not set (e.g. [1, 28, 28])");
        }
        StructType out = schema;
        for (Param<String> column : java.util.List.of(rawPredictionCol, probabilityCol, predictionCol)) {
            String name = string(column);
            if (name.isEmpty()) {
                continue;
            }
            if (java.util.Arrays.asList(out.fieldNames()).contains(name)) {
                throw new IllegalArgumentException(column.name() + ": output column '" + name
                        + "' already exists in the DataFrame; choose another name");
            }
            out = out.add(name, column == predictionCol ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        StructType in = dataset.schema();
        ClassifierScoring scoring = new ClassifierScoring(factory, getOrDefault(sampleShape),
                (Integer) getOrDefault(batchSize), FeatureColumn.of(in, string(featuresCol), string(imageMode)),
                in.fieldIndex(string(featuresCol)), !string(rawPredictionCol).isEmpty(),
                !string(probabilityCol).isEmpty(), !string(predictionCol).isEmpty());
        broadcastWeights(JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()));
        Broadcast<float[]> w = weights;
        Broadcast<long[]> c = counters;
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitionsWithIndex((partition, it) -> {
            if (!it.hasNext()) {
                return it;
            }
            Device device = ExecutorDevice.forCurrentTask();
            return scoring.score(it, partition, scoring.model(w.value(), c.value(), device), device);
        }, true);
        return dataset.sparkSession().createDataFrame(rows, out);
    }

    /**
     * This model's prediction as a SQL function of a features value (an ML Vector or an array of
     * numbers), returning the class index as a double, as PySpark's {@code predict_batch_udf}
     * gives Python users:
     * {@code spark.udf().register("ignis_predict", model.predictionUdf())}, then
     * {@code SELECT ignis_predict(features) FROM t}.
     */
    public UserDefinedFunction predictionUdf() {
        if (!isDefined(sampleShape)) {
            throw new IllegalArgumentException("IgnisClassificationModel: sampleShape is not set (e.g. [1, 28, 28])");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext());
        broadcastWeights(jsc);
        FeatureColumn numbers = FeatureColumn.numbers(string(featuresCol));
        ClassifierScoring scoring = new ClassifierScoring(factory, getOrDefault(sampleShape), 1, numbers, 0, false,
                false, true);
        return functions.udf(new PredictionUdf(scoring, numbers, getOrDefault(sampleShape), weights, counters),
                DataTypes.DoubleType);
    }

    /** The weights, broadcast the first time this model scores (a DataFrame it returned may be evaluated later). */
    private synchronized void broadcastWeights(JavaSparkContext jsc) {
        if (weights == null) {
            weights = jsc.broadcast(ModelVector.weights(module));
            counters = jsc.broadcast(ModelVector.counters(module));
        }
    }

    @Override
    public IgnisClassificationModel copy(ParamMap extra) {
        IgnisClassificationModel copy = new IgnisClassificationModel(uid, factory, module);
        copy.trainingMetrics(trainingMetrics);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                DefaultParamsWriter$.MODULE$.saveMetadata(IgnisClassificationModel.this, path, sparkSession());
                Configuration conf = sc().hadoopConfiguration();
                Safetensors.save(module.stateDict(), new Path(path, WEIGHTS).toString(), Map.of(), conf);
                writeFactory(new Path(path, FACTORY), conf);
            }
        };
    }

    /** The factory, Java-serialized, written under a temporary name and renamed (no half-written file). */
    private void writeFactory(Path target, Configuration conf) {
        try {
            FileSystem fs = target.getFileSystem(conf);
            Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp");
            try (FSDataOutputStream stream = fs.create(temporary, true);
                 ObjectOutputStream out = new ObjectOutputStream(stream)) {
                out.writeObject(factory);
            }
            if (!fs.rename(temporary, target)) {
                throw new IOException("could not rename " + temporary + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the model factory " + target + ": " + e.getMessage(), e);
        }
    }

    /** Spark ML's reader (what {@code PipelineModel.load} calls for this stage). */
    public static MLReader<IgnisClassificationModel> read() {
        return new MLReader<>() {
            @Override
            public IgnisClassificationModel load(String path) {
                DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                        IgnisClassificationModel.class.getName());
                Configuration conf = sc().hadoopConfiguration();
                SerializableSupplier<Module> factory = readFactory(new Path(path, FACTORY), conf);
                Module module = factory.get();
                Map<String, Tensor> state = Safetensors.load(new Path(path, WEIGHTS).toString(), conf);
                module.loadStateDict(state, true);
                IgnisClassificationModel model = new IgnisClassificationModel(metadata.uid(), factory, module);
                metadata.getAndSetParams(model, Option.empty());
                return model;
            }
        };
    }

    /** {@code read().load(path)}. */
    public static IgnisClassificationModel load(String path) {
        return read().load(path);
    }

    @SuppressWarnings("unchecked")
    private static SerializableSupplier<Module> readFactory(Path file, Configuration conf) {
        try (ObjectInputStream in = new ObjectInputStream(file.getFileSystem(conf).open(file))) {
            return (SerializableSupplier<Module>) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("could not read the model factory " + file + " (the classes that"
                    + " build the model must be on the classpath): " + e, e);
        }
    }
}
