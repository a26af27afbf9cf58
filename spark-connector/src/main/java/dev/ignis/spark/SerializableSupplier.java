package dev.ignis.spark;

import java.io.Serializable;
import java.util.function.Supplier;

/** A Supplier Spark can ship to executors (e.g. the model factory: {@code () -> new MyNet()}). */
@FunctionalInterface
public interface SerializableSupplier<T> extends Supplier<T>, Serializable {
}
