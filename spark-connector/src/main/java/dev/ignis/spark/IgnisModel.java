package dev.ignis.spark;

import dev.ignis.nn.Module;
import dev.ignis.nn.Safetensors;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * What a trained Ignis network is as a Spark ML {@link Model} (a Transformer), whatever it
 * predicts: {@link #transform} scores a DataFrame in batches of {@code batchSize} rows with
 * {@code mapPartitions}, the weights broadcast once per model, each task on the device its
 * {@code device} setting gives ({@link ExecutorDevice}), and appends the subclass's output
 * columns; {@link #predictionUdf()} is the same prediction as a SQL function. Features as for
 * training: an ML Vector, {@code array<float|double>}, encoded images or Spark's image struct
 * ({@link FeatureColumn}).
 *
 * <p>Saved as Spark ML does ({@link #write()}, the subclass's static {@code load}; also inside a
 * {@code PipelineModel}): the params as Spark's JSON metadata, the weights as
 * {@code weights.safetensors} (PyTorch's key names: PyTorch loads them), the architecture as the
 * serialized model factory.
 *
 * @param <M> the concrete model (setters return it)
 */
public abstract class IgnisModel<M extends IgnisModel<M>> extends Model<M> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String WEIGHTS = "weights.safetensors";
    private static final String FACTORY = "model-factory.ser";

    private final String uid;
    private final SerializableSupplier<Module> factory;
    private final Module module;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> imageMode;
    private final IntArrayParam sampleShape;
    private final IntParam batchSize;
    private final Param<String> device;
    private transient List<EpochMetrics> trainingMetrics = List.of();
    private transient Broadcast<float[]> weights;
    private transient Broadcast<long[]> counters;

    /** A model of {@code factory}'s architecture holding {@code module}'s weights. */
    IgnisModel(String uid, SerializableSupplier<Module> factory, Module module) {
        this.uid = uid;
        this.factory = factory;
        this.module = module;
        featuresCol = ColumnParams.featuresCol(this);
        predictionCol = ColumnParams.predictionCol(this);
        imageMode = ColumnParams.imageMode(this);
        sampleShape = ColumnParams.sampleShape(this);
        device = ColumnParams.device(this);
        batchSize = new IntParam(this, "batchSize", "rows scored at a time", ParamValidators.gtEq(1));
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(imageMode, "RGB");
        setDefault(device, "auto");
        setDefault(batchSize, 256);
    }

    /** This model as its concrete type. */
    @SuppressWarnings("unchecked")
    private M self() {
        return (M) this;
    }

    /** A new model of the same kind: {@code uid}, {@code factory}'s architecture, {@code module}'s weights. */
    abstract M newInstance(String uid, SerializableSupplier<Module> factory, Module module);

    /** What each scored row gets appended (the output column params below must match). */
    abstract BatchScoring.Outputs outputs();

    /** The output column params in the order they are appended, each with its type. */
    abstract Map<Param<String>, DataType> outputColumns();

    @Override
    public String uid() {
        return uid;
    }

    /**
     * Each epoch's training (and validation) metrics from the fit that made this model; empty for a
     * loaded model or one made from safetensors (not saved with the model).
     */
    public List<EpochMetrics> trainingMetrics() {
        return trainingMetrics == null ? List.of() : trainingMetrics;   // null after Java deserialization
    }

    void trainingMetrics(List<EpochMetrics> metrics) {
        trainingMetrics = List.copyOf(metrics);
    }

    /** The trained network (on the driver, on the CPU). */
    public Module module() {
        return module;
    }

    // ------------------------------------------------------------- params (Spark ML finds them by these getters)

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
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

    public Param<String> device() {
        return device;
    }

    public M setFeaturesCol(String v) {
        set(featuresCol, v);
        return self();
    }

    public M setPredictionCol(String v) {
        set(predictionCol, v);
        return self();
    }

    public M setImageMode(String v) {
        set(imageMode, v);
        return self();
    }

    public M setSampleShape(int... v) {
        set(sampleShape, v.clone());
        return self();
    }

    public M setBatchSize(int v) {
        set(batchSize, v);
        return self();
    }

    public M setDevice(String v) {
        set(device, v);
        return self();
    }

    /**
     * Plain text for a notebook cell or a shell: the columns read and written, then the network's
     * layers, output shapes for one sample and parameter counts ({@link Module#summary}).
     */
    public String summary() {
        int[] shape = requireSampleShape();
        StringBuilder out = new StringBuilder(getClass().getSimpleName()).append(' ').append(uid).append(": '")
                .append(string(featuresCol)).append("' ").append(Arrays.toString(shape)).append(" ->");
        String sep = " ";
        for (Param<String> column : outputColumns().keySet()) {
            out.append(sep).append('\'').append(string(column)).append('\'');
            sep = ", ";
        }
        return out.append('\n').append(module.summary(Replica.shape(1, shape))).toString();
    }

    String string(Param<String> p) {
        return getOrDefault(p);
    }

    private int[] requireSampleShape() {
        if (!isDefined(sampleShape)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": sampleShape is not set (e.g. [1, 28,"
                    + " 28])");
        }
        return getOrDefault(sampleShape);
    }

    /**
     * The input schema with the output columns appended (those whose name is not "").
     *
     * @throws IllegalArgumentException naming the column when the features column is missing or of
     *                                  a type that cannot be read, an output column already exists,
     *                                  or the sample shape is not set
     */
    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumn.of(schema, string(featuresCol), string(imageMode));
        requireSampleShape();
        ExecutorDevice.checkSetting(string(device));
        StructType out = schema;
        for (Map.Entry<Param<String>, DataType> column : outputColumns().entrySet()) {
            String name = string(column.getKey());
            if (name.isEmpty()) {
                continue;
            }
            if (Arrays.asList(out.fieldNames()).contains(name)) {
                throw new IllegalArgumentException(column.getKey().name() + ": output column '" + name
                        + "' already exists in the DataFrame; choose another name");
            }
            out = out.add(name, column.getValue(), false);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        StructType in = dataset.schema();
        BatchScoring scoring = new BatchScoring(factory, getOrDefault(sampleShape), (Integer) getOrDefault(batchSize),
                FeatureColumn.of(in, string(featuresCol), string(imageMode)), in.fieldIndex(string(featuresCol)),
                outputs(), string(device));
        broadcastWeights(JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()));
        Broadcast<float[]> w = weights;
        Broadcast<long[]> c = counters;
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitionsWithIndex((partition, it) -> {
            if (!it.hasNext()) {
                return it;
            }
            Device taskDevice = scoring.taskDevice();
            return scoring.score(it, partition, scoring.model(w.value(), c.value(), taskDevice), taskDevice);
        }, true);
        return dataset.sparkSession().createDataFrame(rows, out);
    }

    /**
     * The prediction as a SQL function of one features value (an ML Vector or an array of
     * numbers), like PySpark's {@code predict_batch_udf}: register it with
     * {@code spark.udf().register("predict", model.predictionUdf())} and call
     * {@code SELECT predict(features) FROM t}. The weights are broadcast once; each task builds the
     * model once. The features column param is not used: the function takes whatever column SQL
     * passes.
     */
    public UserDefinedFunction predictionUdf() {
        int[] shape = requireSampleShape();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext());
        broadcastWeights(jsc);
        FeatureColumn numbers = FeatureColumn.numbers(string(featuresCol));
        BatchScoring.Outputs only = new BatchScoring.Outputs(false, false, true, outputs().regression());
        BatchScoring scoring = new BatchScoring(factory, shape, 1, numbers, 0, only, string(device));
        return functions.udf(new PredictionUdf(scoring, numbers, shape, weights, counters), DataTypes.DoubleType);
    }

    private synchronized void broadcastWeights(JavaSparkContext jsc) {
        if (weights == null) {
            weights = jsc.broadcast(ModelVector.weights(module));
            counters = jsc.broadcast(ModelVector.counters(module));
        }
    }

    @Override
    public M copy(org.apache.spark.ml.param.ParamMap extra) {
        M copy = newInstance(uid, factory, module);
        copy.trainingMetrics(trainingMetrics());
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                DefaultParamsWriter$.MODULE$.saveMetadata(IgnisModel.this, path, sparkSession());
                Configuration conf = sc().hadoopConfiguration();
                Safetensors.save(module.stateDict(), new Path(path, WEIGHTS).toString(), Map.of(), conf);
                writeFactory(new Path(path, FACTORY), conf);
            }
        };
    }

    /** Writes the factory under a temporary name first, so a failed save leaves no half-written file. */
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

    /** How a subclass's static {@code read()} builds a model from what {@link #write()} saved. */
    interface Constructor<M> {
        M create(String uid, SerializableSupplier<Module> factory, Module module);
    }

    /** The reader of models of {@code type} (the subclass's static {@code read()}). */
    static <M extends IgnisModel<M>> MLReader<M> reader(Class<M> type, Constructor<M> constructor) {
        return new MLReader<>() {
            @Override
            public M load(String path) {
                DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                        type.getName());
                Configuration conf = sc().hadoopConfiguration();
                SerializableSupplier<Module> factory = readFactory(new Path(path, FACTORY), conf);
                Module module = factory.get();
                Map<String, Tensor> state = Safetensors.load(new Path(path, WEIGHTS).toString(), conf);
                module.loadStateDict(state, true);
                M model = constructor.create(metadata.uid(), factory, module);
                metadata.getAndSetParams(model, Option.empty());
                return model;
            }
        };
    }

    /** {@code factory}'s architecture holding the weights of a safetensors file, its keys named as the factory's. */
    static Module moduleFromSafetensors(String uri, SerializableSupplier<Module> factory) {
        Module module = factory.get();
        module.loadStateDict(Safetensors.load(uri), true);
        return module;
    }

    /**
     * The saved factory, its classes resolved through the thread's context class loader first: a
     * factory written from spark-shell or a notebook is a class the REPL compiled, which only the
     * REPL's loader (the context loader there) knows.
     */
    @SuppressWarnings("unchecked")
    private static SerializableSupplier<Module> readFactory(Path file, Configuration conf) {
        try (ObjectInputStream in = new ObjectInputStream(file.getFileSystem(conf).open(file)) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                if (context != null) {
                    try {
                        return Class.forName(desc.getName(), false, context);
                    } catch (ClassNotFoundException e) {
                        // not a class of the context loader's: the default lookup below
                    }
                }
                return super.resolveClass(desc);
            }
        }) {
            return (SerializableSupplier<Module>) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("could not read the model factory " + file + " (the classes that"
                    + " build the model must be on the classpath): " + e, e);
        }
    }
}
