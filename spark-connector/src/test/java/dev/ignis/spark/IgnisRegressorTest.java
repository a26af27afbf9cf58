package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;
import dev.ignis.tensor.Generator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
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

/**
 * IgnisRegressor in a Spark ML Pipeline beside Spark's own LinearRegression, its persistence, the
 * scheduler and device params (local[2]).
 */
class IgnisRegressorTest {
    private static final String[] FEATURES = {"x0", "x1", "x2"};
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-regressor-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** y = 2·x0 − 3·x1 + 0.5·x2 + 1 + N(0, 0.1²), x uniform in [0, 4)³. */
    static Dataset<Row> table(int n) {
        Generator g = new Generator(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x0 = 4 * g.nextDouble();
            double x1 = 4 * g.nextDouble();
            double x2 = 4 * g.nextDouble();
            double noise = 0.1 * Math.sqrt(-2 * Math.log(1 - g.nextDouble())) * Math.cos(2 * Math.PI * g.nextDouble());
            rows.add(RowFactory.create(x0, x1, x2, 2 * x0 - 3 * x1 + 0.5 * x2 + 1 + noise));
        }
        StructType schema = new StructType();
        for (String f : FEATURES) {
            schema = schema.add(f, DataTypes.DoubleType);
        }
        return spark.createDataFrame(rows, schema.add("y", DataTypes.DoubleType));
    }

    static Module net() {
        return new Sequential(new Linear(3, 16, true, new Generator(1)), new ReLU(),
                new Linear(16, 1, true, new Generator(2)));
    }

    static IgnisRegressor regressor() {
        return new IgnisRegressor().setModel(IgnisRegressorTest::net).setSampleShape(3).setLabelCol("y")
                .setEpochs(30).setBatchSize(32).setOptimizer("adam").setLearningRate(0.02).setSeed(3);
    }

    private static Pipeline pipeline(PipelineStage last) {
        return new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(FEATURES).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features"),
            last});
    }

    private static double rmse(Dataset<Row> scored) {
        return new RegressionEvaluator().setLabelCol("y").setPredictionCol("prediction").setMetricName("rmse")
                .evaluate(scored);
    }

    @Test
    void fitsAsWellAsSparksLinearRegressionAndRoundTripsThroughAPipelineModel(@TempDir Path dir)
            throws java.io.IOException {
        Dataset<Row> train = table(800);
        Dataset<Row> test = table(200).sample(1.0, 9);
        PipelineModel ignis = pipeline(regressor()).fit(train);
        PipelineModel linear = pipeline(new LinearRegression().setLabelCol("y")).fit(train);
        Dataset<Row> scored = ignis.transform(test);
        double ours = rmse(scored);
        double theirs = rmse(linear.transform(test));
        System.out.printf("test rmse: IgnisRegressor %.4f, LinearRegression %.4f%n", ours, theirs);
        // the data is linear with noise 0.1: both should be near 0.1
        assertTrue(theirs < 0.12, "LinearRegression rmse " + theirs);
        assertTrue(ours < 1.2 * theirs, "IgnisRegressor rmse " + ours + " (LinearRegression " + theirs + ")");
        assertEquals(DataTypes.DoubleType, scored.schema().apply("prediction").dataType());
        assertFalse(List.of(scored.schema().fieldNames()).contains("probability"));

        IgnisRegressionModel model = (IgnisRegressionModel) ignis.stages()[2];
        assertEquals(30, model.trainingMetrics().size());
        assertTrue(Double.isNaN(model.trainingMetrics().get(0).trainAccuracy()), "no accuracy for regression");
        assertTrue(model.trainingMetrics().get(29).trainLoss() < model.trainingMetrics().get(0).trainLoss());
        assertTrue(model.summary().startsWith("IgnisRegressionModel " + model.uid() + ": 'features' [3] -> 'prediction'"),
                model.summary());

        String path = dir.resolve("pipeline").toUri().toString();
        ignis.write().overwrite().save(path);
        List<Row> before = scored.select("prediction").collectAsList();
        List<Row> after = PipelineModel.load(path).transform(test).select("prediction").collectAsList();
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(0), after.get(i).getDouble(0), "row " + i);
        }
    }

    @Test
    void theSchedulerParamStepsTheLearningRateEveryEpoch() {
        Dataset<Row> df = new VectorAssembler().setInputCols(FEATURES).setOutputCol("features").transform(table(200));
        IgnisRegressor base = regressor().setOptimizer("sgd").setLearningRate(0.01).setReplicas(1);
        float[] oneEpoch = ModelVector.weights(base.copy(new org.apache.spark.ml.param.ParamMap())
                .setEpochs(1).fit(df).module());
        float[] threeEpochs = ModelVector.weights(base.copy(new org.apache.spark.ml.param.ParamMap())
                .setEpochs(3).fit(df).module());
        // StepLR with gamma 1e-12 after every epoch: epochs 2 and 3 train with lr 1e-14, changing nothing
        float[] frozen = ModelVector.weights(base.copy(new org.apache.spark.ml.param.ParamMap()).setEpochs(3)
                .setScheduler("step").setSchedulerStepSize(1).setSchedulerGamma(1e-12).fit(df).module());
        assertFalse(java.util.Arrays.equals(oneEpoch, threeEpochs), "without a scheduler epochs 2 and 3 train");
        assertArrayEquals(oneEpoch, frozen, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> regressor().setScheduler("plateau"));
    }

    @Test
    void lossesAndDevicesAreCheckedAndNamed() {
        Dataset<Row> df = new VectorAssembler().setInputCols(FEATURES).setOutputCol("features").transform(table(64));
        assertThrows(IllegalArgumentException.class, () -> regressor().setLoss("hinge"));
        IgnisRegressionModel l1 = regressor().setLoss("l1").setEpochs(2).fit(df);
        assertTrue(l1.trainingMetrics().get(1).trainLoss() > 0);
        // no cuda backend on this classpath: asking for cuda fails the tasks, naming why
        Exception e = assertThrows(Exception.class, () -> regressor().setEpochs(1).setDevice("cuda").fit(df));
        assertTrue(LocalSpark.rootMessage(e).startsWith("device 'cuda' was asked for, but no cuda backend is"
                + " available"), LocalSpark.rootMessage(e));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class, () ->
                new BatchScoring(IgnisRegressorTest::net, new int[] {3}, 1, FeatureColumn.numbers("f"), 0,
                        new BatchScoring.Outputs(false, false, true, true), "cpu").prediction(new float[2], 0, 2));
        assertEquals("a regressor's model must output one value per row ([N, 1] or [N]), but it gives 2",
                wide.getMessage());
    }
}
