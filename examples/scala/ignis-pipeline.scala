// Ignis from the Scala 2.13 REPL (what spark-shell is): fit a Pipeline (VectorAssembler,
// StandardScaler, IgnisClassifier) on a DataFrame, score it, print the accuracy and the network's
// summary. Run with Ignis and Spark on the class
// path, e.g. (after `mvn -q -DskipTests package`, from the repository root):
//   java <Spark's --add-opens flags> -cp "scala-compiler-2.13.16.jar:...:examples/target/lib/*" \
//     scala.tools.nsc.MainGenericRunner -usejavacp < examples/scala/ignis-pipeline.scala
// (examples/src/test/.../ShellsTest runs exactly this.) In spark-shell, skip the session lines.
import dev.ignis.nn._
import dev.ignis.spark._
import org.apache.spark.sql.SparkSession
import org.apache.spark.ml.Pipeline
import org.apache.spark.ml.feature.{StandardScaler, VectorAssembler}
val spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate()
import spark.implicits._
// three classes in two features
val rows = (0 until 300).map { i => val c = i % 3; val r = new scala.util.Random(i); (c + r.nextGaussian() * 0.3, (c % 2) * 2 + r.nextGaussian() * 0.3, c.toDouble) }
val df = rows.toDF("x", "y", "label")
// The model factory travels to the executors: as for any Spark closure in a shell, give it a line
// of its own that refers to nothing else defined in the session.
val net: SerializableSupplier[Module] = () => new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 3))
val clf = new IgnisClassifier().setModel(net).setSampleShape(2).setEpochs(10).setBatchSize(32).setOptimizer("adam").setLearningRate(0.05).setReplicas(2).setSeed(1)
val fitted = new Pipeline().setStages(Array(
  new VectorAssembler().setInputCols(Array("x", "y")).setOutputCol("raw"),
  new StandardScaler().setInputCol("raw").setOutputCol("features"),
  clf)).fit(df)
val scored = fitted.transform(df)
val model = fitted.stages.last.asInstanceOf[IgnisClassificationModel]
val accuracy = scored.filter($"prediction" === $"label").count().toDouble / scored.count()
println(f"ignis-scala accuracy=$accuracy%.3f")
println(model.summary())
spark.stop()
