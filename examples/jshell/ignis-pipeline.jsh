// Ignis from jshell (Java's REPL, as in a Java notebook): fit an IgnisClassifier on a DataFrame,
// score it, print the accuracy and the network's summary. Run with Ignis and Spark on the class
// path, e.g. (after `mvn -q -DskipTests package`, from the repository root):
//   jshell --class-path "$(ls examples/target/lib/*.jar | tr '\n' :)" -R<each of Spark's --add-opens flags> \
//     examples/jshell/ignis-pipeline.jsh
// (examples/src/test/.../ShellsTest runs exactly this.)
import dev.ignis.nn.*;
import dev.ignis.spark.*;
import org.apache.spark.sql.*;
import org.apache.spark.ml.feature.VectorAssembler;
SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
java.util.List<Row> rows = new java.util.ArrayList<>();
for (int i = 0; i < 300; i++) { int c = i % 3; java.util.Random r = new java.util.Random(i); rows.add(RowFactory.create(c + r.nextGaussian() * 0.3, (c % 2) * 2 + r.nextGaussian() * 0.3, (double) c)); }
Dataset<Row> df = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("x", "double").add("y", "double").add("label", "double"));
Dataset<Row> features = new VectorAssembler().setInputCols(new String[] {"x", "y"}).setOutputCol("features").transform(df);
SerializableSupplier<dev.ignis.nn.Module> net = () -> new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 3));
IgnisClassificationModel model = new IgnisClassifier().setModel(net).setSampleShape(2).setEpochs(10).setBatchSize(32).setOptimizer("adam").setLearningRate(0.05).setReplicas(2).setSeed(1).fit(features);
Dataset<Row> scored = model.transform(features);
System.out.printf("ignis-jshell accuracy=%.3f%n", scored.filter("prediction = label").count() / (double) scored.count());
System.out.println(model.summary());
spark.stop();
/exit
