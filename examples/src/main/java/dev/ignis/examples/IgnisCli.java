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

    /**
     * Runs {@code bin/ignis}. {@code ignis train} is {@link TrainJob}; its defaults for
     * {@code --data} and {@code --classes} here are the bundled Fashion-MNIST and its class names.
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The {@code bin/ignis} command line, its errors reported by {@link CliErrors}, train's defaults set. */
    static CommandLine commandLine() {
        trainDefaults();
        return CliErrors.install(new CommandLine(new IgnisCli()), "bin/ignis");
    }

    /** Fashion-MNIST (installed, else the bundled subset) as {@code ignis train}'s default data, unless set. */
    private static void trainDefaults() {
        if (System.getProperty("ignis.train.data") == null) {
            System.setProperty("ignis.train.data", FashionMnist.defaultDir(System.getProperty("ignis.home", ".")));
            System.setProperty("ignis.train.classes", String.join(",", FashionMnist.CLASSES));
        }
    }
}
