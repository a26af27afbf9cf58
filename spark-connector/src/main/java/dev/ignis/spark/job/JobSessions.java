package dev.ignis.spark.job;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a job run from a command line: under spark-submit its master and settings
 * come from the submission; run directly, an embedded local-mode Spark on loopback without the UI.
 */
public final class JobSessions {
    private JobSessions() {
    }

    /**
     * A session for {@code appName}: on {@code master} when given, else on the master spark-submit
     * passed (the {@code spark.master} property), else on {@code localMaster} (e.g. local[*]).
     */
    public static SparkSession open(String appName, String master, String localMaster) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            // in local mode a round's result (a few MB) goes from task to driver inside this JVM:
            // as a direct result rather than through the block manager's loopback fetch, which
            // Spark's 1 MiB default for network RPC messages would choose (round overhead 6% ->
            // 4.6%); and the broadcast weights, which never cross a network here, neither compressed
            // nor checksummed
            builder.master(localMaster).config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1").config("spark.task.maxDirectResultSize", "64m")
                    .config("spark.broadcast.compress", "false").config("spark.broadcast.checksum", "false");
        }
        return builder.getOrCreate();
    }
}
