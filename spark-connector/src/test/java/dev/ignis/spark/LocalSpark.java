package dev.ignis.spark;

import org.apache.spark.sql.SparkSession;

/** The Spark the tests run on: local mode, 2 cores, up to 4 attempts per task, no UI, loopback only. */
final class LocalSpark {
    private LocalSpark() {
    }

    /** An in-process HDFS with one datanode, its data in a fresh temporary folder. */
    static org.apache.hadoop.hdfs.MiniDFSCluster startHdfs() throws java.io.IOException {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        conf.set(org.apache.hadoop.hdfs.MiniDFSCluster.HDFS_MINIDFS_BASEDIR,
                java.nio.file.Files.createTempDirectory("ignis-minidfs").toString());
        org.apache.hadoop.hdfs.MiniDFSCluster hdfs = new org.apache.hadoop.hdfs.MiniDFSCluster.Builder(conf)
                .numDataNodes(1).build();
        hdfs.waitActive();
        return hdfs;
    }

    /** The message at the bottom of an exception's causes (what a failed Spark job was failed by). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    static SparkSession start(String appName) {
        return SparkSession.builder().master("local[2,4]").appName(appName).config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
    }
}
