package dev.ignis.spark;

import org.apache.spark.sql.SparkSession;

/** The Spark the tests run on: local mode, 2 cores, up to 4 attempts per task, no UI, loopback only. */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start(String appName) {
        return SparkSession.builder().master("local[2,4]").appName(appName).config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
    }
}
