package dev.ignis.spark;

import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params the estimators and their models share, made once here
 * with their names and docs (Spark ML finds params by their owners' getters, so each class still
 * declares its own getters).
 */
final class ColumnParams {
    private ColumnParams() {
    }

    static Param<String> featuresCol(Params parent) {
        return new Param<>(parent, "featuresCol", "features column: an ML Vector, array<float|double>, binary"
                + " (encoded images) or an image struct");
    }

    static Param<String> predictionCol(Params parent) {
        return new Param<>(parent, "predictionCol", "prediction column (a double: a classifier's arg max, a"
                + " regressor's output); \"\" for none");
    }

    static Param<String> probabilityCol(Params parent) {
        return new Param<>(parent, "probabilityCol", "class probabilities column (softmax of the logits, an ML"
                + " Vector); \"\" for none");
    }

    static Param<String> rawPredictionCol(Params parent) {
        return new Param<>(parent, "rawPredictionCol", "logits column (an ML Vector); \"\" for none");
    }

    static Param<String> imageMode(Params parent) {
        return new Param<>(parent, "imageMode", "how binary image columns decode: RGB or L",
                ParamValidators.inArray(new String[] {"RGB", "L"}));
    }

    static IntArrayParam sampleShape(Params parent) {
        return new IntArrayParam(parent, "sampleShape", "the shape of one sample, e.g. [1, 28, 28] (required)");
    }

    static Param<String> device(Params parent) {
        return new Param<>(parent, "device", "where each task runs: auto (the GPU Spark assigned to the task,"
                + " through CUDA, else OpenCL; else the CPU), cpu, cuda or opencl", ParamValidators.inArray(
                ExecutorDevice.SETTINGS.toArray(new String[0])));
    }
}
