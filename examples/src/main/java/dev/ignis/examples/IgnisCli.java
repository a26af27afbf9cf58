package dev.ignis.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/ignis}: the command-line entry point. */
@Command(name = "ignis", mixinStandardHelpOptions = true, version = "ignis 0.1.0-SNAPSHOT",
        description = "PyTorch-style deep learning on the JVM.",
        subcommands = {InfoCommand.class, BenchCommand.class, TrainCommand.class, DemoCommand.class,
                ExampleCommand.class})
public final class IgnisCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new IgnisCli()).execute(args));
    }
}
