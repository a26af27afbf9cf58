package dev.ignis.spark;

import java.io.Serializable;

/**
 * One training example as it travels through Spark: flat float features and either a class label
 * (classification; {@code target} null) or a regression target of one or more floats, which the
 * model's output row is compared with ({@code label} then unused).
 */
public record Sample(float[] features, long label, float[] target) implements Serializable {

    /** A classification example: {@code label} is a class index. */
    public Sample(float[] features, long label) {
        this(features, label, null);
    }

    /** A regression example: the model's output for it should be {@code target}. */
    public static Sample regression(float[] features, float... target) {
        return new Sample(features, 0, target.clone());
    }

    public boolean isRegression() {
        return target != null;
    }
}
