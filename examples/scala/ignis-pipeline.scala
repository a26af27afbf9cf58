// Ignis from the Scala 2.13 REPL (what spark-shell is): fit a Pipeline (VectorAssembler,
// StandardScaler, IgnisClassifier) on a DataFrame, score it, print the accuracy and the network's
// summary. Run with Ignis and Spark on the class
// path, e.g. (after `mvn -q -DskipTests package`, from the repository root):
//   java <Spark's --add-opens flags> -cp "scala-compiler-2.13.16.jar:...:examples/target/lib/*" \
//     scala.tools.nsc.MainGenericRunner -usejavacp < examples/scala/ignis-pipeline.scala
// (examples/src/test/.../ShellsTest runs exactly this; the README shows the part between the
// readme markers.) In spark-shell, skip the session lines: `spark` is already there.
import org.apache.spark.sql.SparkSession
val spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate()
import spark.implicits._
// three classes in two features
val rows = (0 until 300).map { i => val c = i % 3; val r = new scala.util.Random(i); (c + r.nextGaussian() * 0.3, (c % 2) * 2 + r.nextGaussian() * 0.3, c.toDouble) }
val df = rows.toDF("x", "y", "label")
// readme:start
import dev.ignis.nn._
import dev.ignis.spark._
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.feature.{StandardScaler, VectorAssembler}
// df: columns x, y (double) and label (0, 1, 2). The model factory travels to the executors.
val net: SerializableSupplier[Module] = () => new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 3))
val clf = new IgnisClassifier().setModel(net).setSampleShape(2).setEpochs(10).setOptimizer("adam").setLearningRate(0.05).setSeed(1)
val fitted = new Pipeline().setStages(Array(
  new VectorAssembler().setInputCols(Array("x", "y")).setOutputCol("raw"),
  new StandardScaler().setInputCol("raw").setOutputCol("features"),
  clf)).fit(df)
val scored = fitted.transform(df)           // + rawPrediction, probability, prediction
val accuracy = scored.filter($"prediction" === $"label").count().toDouble / scored.count()
fitted.write.overwrite().save("runs/pipeline")   // PipelineModel.load("runs/pipeline") reads it back
// readme:end
println(f"ignis-scala accuracy=$accuracy%.3f")
val reloaded = PipelineModel.load("runs/pipeline").transform(df).select("prediction").as[Double].collect()
println("ignis-scala reloaded predictions equal: " + (reloaded sameElements scored.select("prediction").as[Double].collect()))
println(fitted.stages.last.asInstanceOf[IgnisClassificationModel].summary())
spark.stop()
