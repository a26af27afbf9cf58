package dev.ignis.examples;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code bin/ignis}: the command-line entry point. */
@Command(name = "ignis", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "ignis 0.1.0-SNAPSHOT",
        description = "PyTorch-style deep learning on the JVM.",
        subcommands = {InfoCommand.class, BenchCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
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

    public static void main(String[] args) {
        System.exit(CliErrors.install(new CommandLine(new IgnisCli())).execute(args));
    }
}
