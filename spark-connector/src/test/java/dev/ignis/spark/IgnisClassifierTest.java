package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradMode;
import dev.ignis.nn.Module;
import dev.ignis.nn.Safetensors;
import dev.ignis.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IgnisClassifier and its model in Spark ML Pipelines, persistence, schema checks and SQL scoring (local[2]). */
class IgnisClassifierTest {
    private static final String[] FEATURES = {"f0", "f1", "f2", "f3", "f4", "f5"};
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-ml-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** DistributedTrainerTest's 3 classes as six double columns and a string label, as a CSV would give them. */
    static Dataset<Row> table(int n) {
        List<Row> rows = new ArrayList<>();
        for (Sample s : DistributedTrainerTest.samples(n)) {
            Object[] values = new Object[7];
            for (int j = 0; j < 6; j++) {
                values[j] = (double) s.features()[j];
            }
            values[6] = "species-" + (char) ('a' + s.label());
            rows.add(RowFactory.create(values));
        }
        StructType schema = new StructType();
        for (String f : FEATURES) {
            schema = schema.add(f, DataTypes.DoubleType);
        }
        return spark.createDataFrame(rows, schema.add("species", DataTypes.StringType));
    }

    static IgnisClassifier classifier() {
        return new IgnisClassifier().setModel(DistributedTrainerTest::net).setSampleShape(6).setEpochs(4)
                .setBatchSize(16).setOptimizer("sgd").setLearningRate(0.1).setMomentum(0.9).setSeed(7);
    }

    private static Pipeline pipeline(IgnisClassifier clf) {
        return new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("species").setOutputCol("label"),
            new VectorAssembler().setInputCols(FEATURES).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features"),
            clf});
    }

    private static double accuracy(Dataset<Row> scored) {
        return scored.filter("prediction = label").count() / (double) scored.count();
    }

    @Test
    void aPipelineFitsScoresAndRoundTripsThroughSaveAndLoad(@TempDir Path dir) throws java.io.IOException {
        Dataset<Row> df = table(150);
        PipelineModel fitted = pipeline(classifier()).fit(df);
        Dataset<Row> scored = fitted.transform(df);
        assertTrue(accuracy(scored) > 0.8, "training accuracy " + accuracy(scored));
        assertEquals(DataTypes.DoubleType, scored.schema().apply("prediction").dataType());
        Vector p = scored.first().getAs("probability");
        assertEquals(3, p.size());
        assertEquals(1.0, p.toArray()[0] + p.toArray()[1] + p.toArray()[2], 1e-6);

        String path = dir.resolve("pipeline").toUri().toString();
        fitted.write().overwrite().save(path);
        Dataset<Row> again = PipelineModel.load(path).transform(df);
        List<Row> before = scored.select("prediction", "probability").collectAsList();
        List<Row> after = again.select("prediction", "probability").collectAsList();
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(0), after.get(i).getDouble(0), "row " + i);
            assertArrayEquals(((Vector) before.get(i).get(1)).toArray(), ((Vector) after.get(i).get(1)).toArray(),
                    "row " + i + ": the same weights give the same probabilities");
        }
    }

    @Test
    void schemasAreCheckedBeforeAnyJobNamingTheColumn() {
        Dataset<Row> df = table(30);
        IgnisClassifier clf = classifier().setFeaturesCol("f0").setLabelCol("nope");
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class, () -> clf.fit(df));
        assertTrue(label.getMessage().contains("column 'nope' not found"), label.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> classifier().setFeaturesCol("species").setLabelCol("f1").fit(df));
        assertTrue(type.getMessage().contains("features column 'species' must be an ML Vector"), type.getMessage());
        Dataset<Row> assembled = new VectorAssembler().setInputCols(FEATURES).setOutputCol("features").transform(df)
                .withColumn("label", org.apache.spark.sql.functions.lit(0.0));
        IllegalArgumentException output = assertThrows(IllegalArgumentException.class,
                () -> classifier().setPredictionCol("f2").fit(assembled));
        assertTrue(output.getMessage().contains("output column 'f2' already exists"), output.getMessage());
        IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class,
                () -> new IgnisClassifier().transformSchema(df.schema()));
        assertTrue(noModel.getMessage().contains("no model set"), noModel.getMessage());
    }

    @Test
    void aHeldOutShareIsEvaluatedEveryEpochAndStopsTrainingEarly() {
        Dataset<Row> indexed = new StringIndexer().setInputCol("species").setOutputCol("label").fit(table(150))
                .transform(table(150));
        Dataset<Row> df = new VectorAssembler().setInputCols(FEATURES).setOutputCol("features").transform(indexed);
        // no epoch can lower the validation loss by 10: epoch 1 is the best, epoch 2 stops training
        IgnisClassificationModel model = classifier().setEpochs(6).setValidationFraction(0.2)
                .setEarlyStoppingPatience(1).setEarlyStoppingMinDelta(10).fit(df);
        assertEquals(2, model.trainingMetrics().size(), "stopped after two epochs of six");
        assertTrue(Double.isFinite(model.trainingMetrics().get(0).validationLoss()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classifier().setEarlyStoppingPatience(2).fit(df));
        assertTrue(e.getMessage().contains("needs validationFraction"), e.getMessage());
    }

    @Test
    void paramsCopyAndExplainAsSparksOwn() {
        IgnisClassifier clf = classifier();
        IgnisClassifier copy = clf.copy(new ParamMap().put(clf.epochs().w(9)));
        assertEquals(9, copy.getOrDefault(copy.epochs()));
        assertEquals(4, clf.getOrDefault(clf.epochs()), "the original is unchanged");
        assertEquals(clf.uid(), copy.uid());
        String explained = clf.explainParams();
        assertTrue(explained.contains("replicas: replicas trained side by side"), explained);
        assertThrows(IllegalArgumentException.class, () -> clf.setOptimizer("lbfgs"));
    }

    @Test
    void aModelSavedAsSafetensorsScoresArraysAndSqlAsALocalForwardPass(@TempDir Path dir) {
        Module net = DistributedTrainerTest.net();
        String weights = dir.resolve("net.safetensors").toString();
        Safetensors.save(net.stateDict(), weights);
        IgnisClassificationModel model = IgnisClassificationModel.fromSafetensors(weights,
                DistributedTrainerTest::net, 6).setBatchSize(7);
        List<Row> rows = new ArrayList<>();
        List<Sample> samples = DistributedTrainerTest.samples(20);
        for (Sample s : samples) {
            List<Float> f = new ArrayList<>();
            for (float v : s.features()) {
                f.add(v);
            }
            rows.add(RowFactory.create(f));
        }
        Dataset<Row> df = spark.createDataFrame(rows, new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType)));
        List<Row> scored = model.setProbabilityCol("").transform(df).collectAsList();
        assertEquals(List.of("features", "rawPrediction", "prediction"),
                List.of(model.transform(df).schema().fieldNames()), "probability left out");
        net.eval();
        float[] x = new float[samples.size() * 6];
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(samples.get(i).features(), 0, x, i * 6, 6);
        }
        float[] logits;
        try (var ignored = GradMode.noGrad()) {
            logits = net.call(Tensor.fromArray(x).reshape(samples.size(), 6)).toFloatArray();
        }
        for (int i = 0; i < samples.size(); i++) {
            double[] raw = ((Vector) scored.get(i).get(1)).toArray();
            for (int c = 0; c < 3; c++) {
                assertEquals(logits[i * 3 + c], raw[c], 1e-6, "row " + i + " logit " + c);
            }
        }
        spark.udf().register("ignis_predict", model.predictionUdf());
        df.createOrReplaceTempView("samples");
        List<Row> sql = spark.sql("SELECT ignis_predict(features) FROM samples").collectAsList();
        for (int i = 0; i < samples.size(); i++) {
            assertEquals(scored.get(i).getDouble(2), sql.get(i).getDouble(0), "row " + i);
        }
    }
}
