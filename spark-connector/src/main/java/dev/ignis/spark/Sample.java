package dev.ignis.spark;

import java.io.Serializable;

/** One training example as it travels through Spark: flat float features and a class label. */
public record Sample(float[] features, long label) implements Serializable {
}
