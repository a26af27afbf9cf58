package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.spark.cli.CliErrors;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bin/ignis}'s answers to bad input: a user error is one line naming the option or path and
 * exit status 2; a failure while running is one line naming the cause and exit status 1; no stack
 * trace unless {@code --verbose}.
 */
class CommandLineErrorsTest {
    private record Run(int status, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = IgnisCli.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int status = cli.execute(args);
        return new Run(status, err.toString());
    }

    private static void userError(String expected, String... args) {
        Run r = run(args);
        assertEquals(CliErrors.USER_ERROR, r.status(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @Test
    void numericOptionsAreValidated() {
        userError("--batch must be at least 1, got 0", "bench", "train", "--batch", "0");
        userError("--threads must be at least 1, got -2", "bench", "train", "--threads", "-2");
        userError("--epochs must be at least 1, got 0", "train", "--epochs", "0");
        userError("--batch-size must be at least 1, got 0", "train", "--batch-size", "0");
        userError("--partitions must be at least 1, got 0", "bench", "spark", "--partitions", "0");
        userError("--steps-per-round must be at least 1, got 0", "bench", "spark", "--steps-per-round", "0");
        userError("--threads must be at least 1, got 0", "bench", "gemm", "--threads", "0");
        userError("--calls must be at least 1, got 0", "bench", "conv", "--calls", "0");
        userError("--max-warmup must be at least 10, got 3", "bench", "loader", "--data", "/tmp", "--max-warmup", "3");
        userError("--lr must be positive", "demo", "--lr", "-1");
        userError("Invalid value for option '--batch': 'many' is not an int", "bench", "train", "--batch", "many");
        userError("Unknown option: '--bogus'", "train", "--bogus");
        userError("see 'bin/ignis train --help'", "train", "--bogus");
        userError("--device quantum: no backend serves device quantum:0", "bench", "train", "--device", "quantum");
        userError("--format must be one of idx, image-folder, parquet, csv, got 'tfrecord'", "train", "--format",
                "tfrecord");
        userError("--resume needs --checkpoint-dir", "train", "--resume");
    }

    /** The error line for an unknown option points at {@code --help}: every command must answer it. */
    @Test
    void everyCommandAnswersHelp() {
        for (String[] command : new String[][] {{}, {"train"}, {"evaluate"}, {"predict"}, {"bench"},
                {"bench", "train"}, {"bench", "spark"}, {"bench", "transformer"}, {"example"}, {"info"}, {"demo"}}) {
            StringWriter out = new StringWriter();
            CommandLine cli = IgnisCli.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(new StringWriter()));
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            assertEquals(0, cli.execute(args), String.join(" ", args));
            assertTrue(out.toString().startsWith("Usage: ignis"), String.join(" ", args) + ":\n" + out);
        }
    }

    @Test
    void anUnknownModelListsTheChoices() {
        userError("--model must be one of mlp, cnn or a class name, got 'resnet'", "train", "--model", "resnet");
        userError("--model must be one of mlp, cnn, got 'vgg'", "bench", "spark", "--model", "vgg");
    }

    @Test
    void aMissingOrIncompleteDataDirectoryIsNamed(@TempDir Path dir) throws IOException {
        userError("--data: no such directory: " + dir.resolve("nope"), "bench", "train", "--data",
                dir.resolve("nope").toString());
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[0]);
        userError("lacks train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz", "bench",
                "train", "--data", dir.toString());
        userError(dir.resolve("nope") + ": no such file or directory", "train", "--data", dir.resolve("nope").toString());
        userError(dir + " lacks train-labels-idx1-ubyte[.gz]", "train", "--data", dir.toString());
    }

    private static void idx(Path file, int magic, int... shape) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        int n = 1;
        for (int d : shape) {
            out.writeInt(d);
            n *= d;
        }
        out.write(new byte[n]);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            gz.write(bytes.toByteArray());
        }
    }

    @Test
    void failuresWhileRunningAreOneLineNamingTheCauseAndExitOne(@TempDir Path dir) throws IOException {
        idx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, 3, 28, 28);
        idx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, 2);
        idx(dir.resolve("t10k-images-idx3-ubyte.gz"), 0x803, 2, 28, 28);
        idx(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, 2);
        Run r = run("train", "--data", dir.toString());
        assertEquals(CliErrors.FAILURE, r.status(), r.err());
        assertTrue(r.err().contains("train-images-idx3-ubyte.gz (shape [3, 28, 28]) and")
                && r.err().contains("train-labels-idx1-ubyte.gz (shape [2]) are not N images and their N labels"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        Run verbose = run("train", "--data", dir.toString(), "--verbose");
        assertEquals(CliErrors.FAILURE, verbose.status());
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace: " + verbose.err());
    }
}
