package dev.ignis.examples;

import dev.ignis.spark.cli.CliErrors;
import dev.ignis.spark.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code bin/ignis}: the command-line entry point. */
@Command(name = "ignis", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "ignis 0.1.0-SNAPSHOT",
        description = "PyTorch-style deep learning on the JVM.",
        subcommands = {InfoCommand.class, BenchCommand.class, TrainJob.class, EvaluateCommand.class, PredictCommand.class,
                DemoCommand.class,
                ExampleCommand.class})
public final class IgnisCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "print the stack trace of a failure (also: IGNIS_DEBUG=1)")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs {@code bin/ignis}. {@code ignis train} is {@link TrainJob}, with defaults of its own here (below). */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The {@code bin/ignis} command line, its errors reported by {@link CliErrors}, train's defaults set. */
    static CommandLine commandLine() {
        trainDefaults();
        return CliErrors.install(new CommandLine(new IgnisCli()), "bin/ignis");
    }

    /**
     * {@code bin/ignis}'s defaults for {@code train} (unless set): Fashion-MNIST as the data (the
     * installed set, else the bundled subset, which trains for 5 epochs averaging every 10 steps so
     * that its small epochs still give a usable model) and {@code runs/train} under the repository
     * as the output, whose model {@code evaluate} and {@code predict} take by default.
     */
    private static void trainDefaults() {
        String home = System.getProperty("ignis.home", ".");
        String data = FashionMnist.defaultDir(home);
        String output = new java.io.File(home, "runs/train").getPath();
        if (setIfAbsent("ignis.train.data", data)) {
            setIfAbsent("ignis.train.classes", String.join(",", FashionMnist.CLASSES));
        }
        if (System.getProperty("ignis.train.data").endsWith(FashionMnist.SUBSET_DIR)) {
            setIfAbsent("ignis.train.epochs", "5");
            setIfAbsent("ignis.train.steps-per-round", "10");
        }
        setIfAbsent("ignis.train.output", output);
        setIfAbsent("ignis.model", new java.io.File(System.getProperty("ignis.train.output"), "model").getPath());
    }

    /** Sets the system property {@code key} unless it is set; returns whether it set it. */
    private static boolean setIfAbsent(String key, String value) {
        if (System.getProperty(key) != null) {
            return false;
        }
        System.setProperty(key, value);
        return true;
    }
}
